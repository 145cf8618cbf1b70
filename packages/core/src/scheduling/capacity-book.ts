import type { Host } from '../domain/host.js';
import type { Resources } from '../domain/workload.js';
import { FitGrid } from './fit-grid.js';

/** Where the most of one resource is free, for the words of an unplaced reason. */
interface Largest {
  host: string;
  free: number;
  /** The other resource free on that host. */
  other: number;
}

/**
 * Free cpu and memory of a tenant's hosts, indexed (a {@link FitGrid}) so that finding a
 * best-fitting host does not scan every host. Hosts are numbered by id order
 * (their ordinal), which is also every tie-break. Mutable, but only ever owned by one planner.
 */
export class CapacityBook {
  /** Ordinal → host id, sorted. */
  readonly ids: string[] = [];
  readonly ordinals = new Map<string, number>();
  readonly freeCpu: number[] = [];
  readonly freeMem: number[] = [];
  /** Ready and the tenant's: takes new allocations. */
  readonly placeable: boolean[] = [];
  /** The tenant's and ready or draining: keeps what it runs. */
  readonly keepable: boolean[] = [];
  /** Ordinal → zone index. */
  readonly zoneOf: number[] = [];
  /** Zone names, sorted. */
  readonly zones: string[] = [];
  /** Placeable hosts by free cpu and memory, per zone. */
  private readonly grid: FitGrid;
  private readonly statusCounts = new Map<string, number>();
  private version = 0;
  private largestCache: { version: number; mem: Largest | null; cpu: Largest | null } | null = null;

  constructor(tenant: string, hosts: readonly Host[]) {
    const own = hosts
      .filter((host) => host.tenant === tenant)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const zoneNames = [...new Set(own.map((host) => host.labels.zone))].sort();
    this.zones.push(...zoneNames);
    const zoneIndex = new Map(zoneNames.map((zone, index) => [zone, index]));
    for (const host of own) {
      if (this.ordinals.has(host.id)) continue; // a repeated host counts once
      const ordinal = this.ids.length;
      this.ids.push(host.id);
      this.ordinals.set(host.id, ordinal);
      this.freeCpu.push(host.capacity.cpuMillicores);
      this.freeMem.push(host.capacity.memoryMiB);
      this.placeable.push(host.status === 'ready');
      this.keepable.push(host.status === 'ready' || host.status === 'draining');
      this.zoneOf.push(zoneIndex.get(host.labels.zone)!);
      this.statusCounts.set(host.status, (this.statusCounts.get(host.status) ?? 0) + 1);
    }
    this.grid = new FitGrid({
      zones: zoneNames.length,
      freeCpu: this.freeCpu,
      freeMem: this.freeMem,
      maxCpu: this.freeCpu.reduce((max, free) => Math.max(max, free), 0),
      maxMem: this.freeMem.reduce((max, free) => Math.max(max, free), 0),
    });
    for (let ordinal = 0; ordinal < this.ids.length; ordinal++) {
      if (this.placeable[ordinal]) this.file(ordinal);
    }
  }

  fits(ordinal: number, need: Resources): boolean {
    return this.freeCpu[ordinal]! >= need.cpuMillicores && this.freeMem[ordinal]! >= need.memoryMiB;
  }

  take(ordinal: number, need: Resources): void {
    this.adjust(ordinal, -need.cpuMillicores, -need.memoryMiB);
  }

  give(ordinal: number, need: Resources): void {
    this.adjust(ordinal, need.cpuMillicores, need.memoryMiB);
  }

  /** Best fit (see {@link FitGrid}) in `zone` for `need`, on a host not in `exclude`; -1 if none. */
  bestFitInZone(zone: number, need: Resources, exclude: ReadonlyMap<number, unknown>): number {
    return this.grid.find(zone, need.cpuMillicores, need.memoryMiB, exclude);
  }

  /** Why nothing fits `need`, naming the hosts with the most free. */
  explainNoFit(need: Resources): string {
    const { mem, cpu } = this.largest();
    if (!mem || !cpu) return this.explainNoHosts();
    const short: string[] = [];
    if (mem.free < need.memoryMiB) {
      short.push(`needs ${need.memoryMiB} MiB, largest free is ${mem.free} MiB on host ${mem.host}`);
    }
    if (cpu.free < need.cpuMillicores) {
      short.push(`needs ${need.cpuMillicores}m cpu, largest free is ${cpu.free}m on host ${cpu.host}`);
    }
    if (short.length > 0) return short.join('; ');
    return (
      `needs ${need.cpuMillicores}m cpu and ${need.memoryMiB} MiB on one host, and no ready host has both free ` +
      `(most memory: ${mem.free} MiB with ${mem.other}m cpu on host ${mem.host}; ` +
      `most cpu: ${cpu.free}m with ${cpu.other} MiB on host ${cpu.host})`
    );
  }

  private explainNoHosts(): string {
    if (this.ids.length === 0) return 'the tenant has no hosts; join one with a join token';
    const counts = [...this.statusCounts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([s, n]) => `${n} ${s}`);
    return `no ready host among the tenant's ${this.ids.length} hosts (${counts.join(', ')})`;
  }

  private largest(): { mem: Largest | null; cpu: Largest | null } {
    if (this.largestCache?.version === this.version) return this.largestCache;
    let mem: Largest | null = null;
    let cpu: Largest | null = null;
    for (let ordinal = 0; ordinal < this.ids.length; ordinal++) {
      if (!this.placeable[ordinal]) continue;
      const freeMem = this.freeMem[ordinal]!;
      const freeCpu = this.freeCpu[ordinal]!;
      if (!mem || freeMem > mem.free) mem = { host: this.ids[ordinal]!, free: freeMem, other: freeCpu };
      if (!cpu || freeCpu > cpu.free) cpu = { host: this.ids[ordinal]!, free: freeCpu, other: freeMem };
    }
    this.largestCache = { version: this.version, mem, cpu };
    return this.largestCache;
  }

  private adjust(ordinal: number, cpu: number, mem: number): void {
    this.version++;
    this.freeCpu[ordinal]! += cpu;
    this.freeMem[ordinal]! += mem;
    if (this.placeable[ordinal]) this.file(ordinal);
  }

  private file(ordinal: number): void {
    this.grid.put(ordinal, this.zoneOf[ordinal]!, this.freeCpu[ordinal]!, this.freeMem[ordinal]!);
  }
}
