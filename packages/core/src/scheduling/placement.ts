import type { Policy } from '../domain/policy.js';
import type { Resources } from '../domain/workload.js';
import { allocationIdFromSeed, allocationIdSeed } from './allocation-id.js';
import { CapacityBook } from './capacity-book.js';
import { findSpreadHost } from './find-spread-host.js';
import type {
  PlacedAllocation,
  PlacementInput,
  PlacementPlan,
  ServiceReplan,
  Unplaced,
  WantedService,
} from './placement-types.js';
import { type ServiceBook, serviceKey } from './service-book.js';

/** Changes collected while planning. */
interface Changes {
  added: string[];
  removed: string[];
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sameResources = (a: Resources, b: Resources) =>
  a.cpuMillicores === b.cpuMillicores && a.memoryMiB === b.memoryMiB;

/**
 * A tenant's placement, planned in full once and then kept up to date one service at a time:
 * {@link Placement.replanService} touches only that service's slots (and retries slots left
 * unplaced for want of room), so a change costs its own replicas, not the tenant's all.
 * Pure: no clock, no I/O, no randomness; the same calls on the same input give the same plan.
 */
export class Placement {
  private readonly tenant: string;
  private readonly policy: Policy;
  private readonly book: CapacityBook;
  private readonly services = new Map<string, ServiceBook>();
  private readonly idsInUse = new Set<string>();
  private readonly zoneScratch: Int32Array;
  private usedCpu = 0;
  private usedMem = 0;
  /** The plan of the input, as {@link planPlacement} returns it. */
  readonly initial: PlacementPlan;

  constructor(input: PlacementInput) {
    this.tenant = input.tenant;
    this.policy = input.policy;
    this.book = new CapacityBook(input.tenant, input.hosts);
    this.zoneScratch = new Int32Array(this.book.zones.length);
    const changes: Changes = { added: [], removed: [] };
    for (const wanted of input.services) {
      const key = serviceKey(wanted.environment, wanted.service, wanted.release);
      if (!this.services.has(key)) this.services.set(key, this.newServiceBook(key, wanted));
    }
    this.keepExisting(input.allocations, changes);
    for (const service of this.byPlacementOrder([...this.services.values()])) {
      this.fillSlots(service, changes);
    }
    this.initial = { ...this.snapshot(), ...sorted(changes) };
  }

  /** The current desired allocation set (ordered by environment, service, slot) and what is unplaced. */
  snapshot(): Pick<PlacementPlan, 'allocations' | 'unplaced'> {
    const allocations: PlacedAllocation[] = [];
    const unplaced: Unplaced[] = [];
    for (const key of [...this.services.keys()].sort(compare)) {
      const service = this.services.get(key)!;
      for (const allocation of service.slots) if (allocation) allocations.push(allocation);
      unplaced.push(...service.unplaced);
    }
    return { allocations, unplaced };
  }

  /**
   * Bring one service's replicas of `wanted.release` to `wanted` (new, scaled or resized; replicas
   * of another release are another group — see {@link removeService}): extra slots go (highest
   * first), allocations that no longer fit their host move, missing slots are placed; the
   * others stay where they are. Then slots of other services left unplaced are retried if room
   * was freed. `added`/`removed` cover every change; `allocations`/`unplaced` are this service's.
   */
  replanService(wanted: WantedService): ServiceReplan {
    const key = serviceKey(wanted.environment, wanted.service, wanted.release);
    let service = this.services.get(key);
    if (!service) {
      service = this.newServiceBook(key, wanted);
      this.services.set(key, service);
    }
    const changes: Changes = { added: [], removed: [] };
    const before = service.wanted;
    service.wanted = wanted;
    service.unplaced = [];
    const limit = this.slotLimit(wanted);
    for (let slot = service.slots.length - 1; slot >= limit; slot--) {
      this.evict(service, slot, before, changes);
    }
    service.slots.length = Math.min(service.slots.length, limit);
    if (!sameResources(before.resources, wanted.resources)) this.resize(service, before.resources, changes);
    this.fillSlots(service, changes);
    if (changes.removed.length > 0 || !sameResources(before.resources, wanted.resources)) {
      this.retryUnplaced(key, changes);
    }
    return {
      allocations: service.slots.filter((a): a is PlacedAllocation => a !== undefined),
      unplaced: [...service.unplaced],
      ...sorted(changes),
    };
  }

  /**
   * Remove a deleted service — or, given `release`, only its replicas of that release (the end of
   * a rollout): those allocations go, and the room they free is offered to unplaced slots.
   */
  removeService(environment: string, name: string, release?: string): ServiceReplan {
    const changes: Changes = { added: [], removed: [] };
    const keys = [...this.services.keys()].filter((key) =>
      release === undefined
        ? key.startsWith(`${environment}\n${name}\n`)
        : key === serviceKey(environment, name, release),
    );
    for (const key of keys) {
      const service = this.services.get(key)!;
      for (let slot = service.slots.length - 1; slot >= 0; slot--) {
        this.evict(service, slot, service.wanted, changes);
      }
      this.services.delete(key);
    }
    for (const key of keys) this.retryUnplaced(key, changes);
    return { allocations: [], unplaced: [], ...sorted(changes) };
  }

  private newServiceBook(key: string, wanted: WantedService): ServiceBook {
    return {
      key,
      wanted,
      slots: [],
      hostCount: new Map(),
      zoneCount: this.book.zones.map(() => 0),
      unplaced: [],
      idSeed: null,
    };
  }

  /** Stability: each wanted slot keeps its current allocation when its host is healthy and still has room. */
  private keepExisting(existing: readonly PlacedAllocation[], changes: Changes): void {
    const bySlot = new Map<string, PlacedAllocation[]>();
    for (const allocation of existing) {
      this.idsInUse.add(allocation.id);
      const key = `${serviceKey(allocation.environment, allocation.service, allocation.release)}\n${allocation.slot}`;
      const list = bySlot.get(key);
      if (list) list.push(allocation);
      else bySlot.set(key, [allocation]);
    }
    // In (environment, service, slot) order, so that who keeps their place under a squeeze does
    // not depend on the input order.
    const slots = [...bySlot.values()].sort(
      ([a], [b]) =>
        compare(a!.environment, b!.environment) || compare(a!.service, b!.service) || a!.slot - b!.slot,
    );
    for (const candidates of slots) {
      const first = candidates[0]!;
      const service = this.services.get(serviceKey(first.environment, first.service, first.release));
      candidates.sort((a, b) => compare(a.id, b.id));
      const kept =
        service && first.slot < this.slotLimit(service.wanted)
          ? candidates.find((allocation) => this.canKeep(allocation, service.wanted.resources))
          : undefined;
      for (const allocation of candidates) {
        if (allocation !== kept) changes.removed.push(allocation.id);
      }
      if (kept && service) this.assign(service, kept, this.book.ordinals.get(kept.host)!);
    }
  }

  private canKeep(allocation: PlacedAllocation, need: Resources): boolean {
    const ordinal = this.book.ordinals.get(allocation.host);
    return (
      ordinal !== undefined &&
      this.book.keepable[ordinal]! &&
      this.book.fits(ordinal, need) &&
      this.policyDenial(need) === null
    );
  }

  /** After a resize, each allocation stays if its host still has room for the new size; else it moves. */
  private resize(service: ServiceBook, old: Resources, changes: Changes): void {
    for (let slot = 0; slot < service.slots.length; slot++) {
      const allocation = service.slots[slot];
      if (!allocation) continue;
      const ordinal = this.book.ordinals.get(allocation.host)!;
      this.unassign(service, slot, ordinal, old);
      if (
        this.book.fits(ordinal, service.wanted.resources) &&
        this.policyDenial(service.wanted.resources) === null
      ) {
        this.assign(service, allocation, ordinal);
      } else {
        changes.removed.push(allocation.id);
      }
    }
  }

  /** Place every missing slot of the service, and record the slots over the policy's replica limit. */
  private fillSlots(service: ServiceBook, changes: Changes): void {
    const { wanted } = service;
    const limit = this.slotLimit(wanted);
    for (let slot = 0; slot < limit; slot++) {
      if (!service.slots[slot]) this.placeSlot(service, slot, changes);
    }
    for (let slot = limit; slot < wanted.replicas; slot++) {
      const max = this.policy.limits.replicasPerService;
      service.unplaced.push({
        service: wanted.service,
        environment: wanted.environment,
        slot,
        reason: `replicas ${wanted.replicas} exceeds the tenant's limit limits.replicasPerService = ${max}`,
      });
    }
  }

  private placeSlot(service: ServiceBook, slot: number, changes: Changes): void {
    const { wanted } = service;
    const need = wanted.resources;
    const denial = this.policyDenial(need);
    const ordinal = denial === null ? findSpreadHost(this.book, service, need, this.zoneScratch) : -1;
    if (ordinal < 0) {
      const reason = denial ?? this.book.explainNoFit(need);
      service.unplaced.push({ service: wanted.service, environment: wanted.environment, slot, reason });
      return;
    }
    const host = this.book.ids[ordinal]!;
    const { environment, service: name, release } = wanted;
    if (service.idSeed?.release !== release) {
      service.idSeed = { release, lanes: allocationIdSeed(this.tenant, environment, name, release) };
    }
    const id = allocationIdFromSeed(service.idSeed.lanes, name, slot, host, this.idsInUse);
    this.idsInUse.add(id);
    this.assign(service, { id, service: name, environment, slot, host, release }, ordinal);
    changes.added.push(id);
  }

  /** The tenant-wide cpu and memory limits, as words, if one more `need` would break them. */
  private policyDenial(need: Resources): string | null {
    const { cpuMillicores, memoryMiB } = this.policy.limits;
    if (this.usedMem + need.memoryMiB > memoryMiB) {
      return `would bring the tenant's memory to ${this.usedMem + need.memoryMiB} MiB, over its limit limits.memoryMiB = ${memoryMiB}`;
    }
    if (this.usedCpu + need.cpuMillicores > cpuMillicores) {
      return `would bring the tenant's cpu to ${this.usedCpu + need.cpuMillicores}m, over its limit limits.cpuMillicores = ${cpuMillicores}`;
    }
    return null;
  }

  private slotLimit(wanted: WantedService): number {
    return Math.max(0, Math.min(wanted.replicas, this.policy.limits.replicasPerService));
  }

  private assign(service: ServiceBook, allocation: PlacedAllocation, ordinal: number): void {
    const need = service.wanted.resources;
    service.slots[allocation.slot] = allocation;
    service.hostCount.set(ordinal, (service.hostCount.get(ordinal) ?? 0) + 1);
    service.zoneCount[this.book.zoneOf[ordinal]!]! += 1;
    this.book.take(ordinal, need);
    this.usedCpu += need.cpuMillicores;
    this.usedMem += need.memoryMiB;
  }

  private unassign(service: ServiceBook, slot: number, ordinal: number, size: Resources): void {
    service.slots[slot] = undefined;
    const count = service.hostCount.get(ordinal)! - 1;
    if (count === 0) service.hostCount.delete(ordinal);
    else service.hostCount.set(ordinal, count);
    service.zoneCount[this.book.zoneOf[ordinal]!]! -= 1;
    this.book.give(ordinal, size);
    this.usedCpu -= size.cpuMillicores;
    this.usedMem -= size.memoryMiB;
  }

  private evict(service: ServiceBook, slot: number, sizedAs: WantedService, changes: Changes): void {
    const allocation = service.slots[slot];
    if (!allocation) return;
    this.unassign(service, slot, this.book.ordinals.get(allocation.host)!, sizedAs.resources);
    this.idsInUse.delete(allocation.id);
    changes.removed.push(allocation.id);
  }

  /** Offer freed room to other services' unplaced slots, in placement order. */
  private retryUnplaced(exceptKey: string, changes: Changes): void {
    const waiting = [...this.services.values()].filter((s) => s.key !== exceptKey && s.unplaced.length > 0);
    for (const service of this.byPlacementOrder(waiting)) {
      service.unplaced = [];
      this.fillSlots(service, changes);
    }
  }

  /** Biggest first (memory, then cpu), then by key: first-fit-decreasing packs tighter. */
  private byPlacementOrder(services: ServiceBook[]): ServiceBook[] {
    return services.sort(
      (a, b) =>
        b.wanted.resources.memoryMiB - a.wanted.resources.memoryMiB ||
        b.wanted.resources.cpuMillicores - a.wanted.resources.cpuMillicores ||
        compare(a.key, b.key),
    );
  }
}

function sorted(changes: Changes): Changes {
  // The default sort compares UTF-16 code units, as `compare` does, and is faster.
  return { added: [...changes.added].sort(), removed: [...changes.removed].sort() };
}
