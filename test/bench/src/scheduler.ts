import { defaultPolicy, type Host, Placement, type WantedService } from '@slipway/core';
import { type Bench, percentile } from './bench.js';

const tenant = 'bench';
const hostCount = 2000;
const zones = ['zone-a', 'zone-b', 'zone-c', 'zone-d'];
const serviceCount = 3000;
const replicas = 10;
const replanRounds = 50;
const warmups = 3;
const measured = 5;

/** 2,000 hosts in 4 zones, of two sizes. */
function hosts(): Host[] {
  return Array.from({ length: hostCount }, (_, i) => ({
    id: `h-${String(i).padStart(4, '0')}`,
    tenant,
    capacity:
      i % 2 === 0
        ? { cpuMillicores: 16_000, memoryMiB: 32_768 }
        : { cpuMillicores: 8_000, memoryMiB: 16_384 },
    labels: { zone: zones[i % zones.length]!, pool: 'default' },
    status: 'ready' as const,
  }));
}

/** 3,000 services × 10 replicas, sizes from 100m/128 MiB to 1000m/1 GiB (deterministic, no randomness). */
function services(): WantedService[] {
  return Array.from({ length: serviceCount }, (_, i) => ({
    service: `svc-${i}`,
    environment: 'production',
    release: `r-${i}`,
    replicas,
    resources: { cpuMillicores: 100 * (1 + (i % 10)), memoryMiB: 128 * (1 + ((i * 7) % 8)) },
  }));
}

/**
 * The pure planner: place 30,000 allocations (3,000 services × 10 replicas) onto 2,000 hosts in
 * 4 zones, then replan after one service changes (scale up, scale down, resize), incrementally.
 * Goals: placements_per_s ≥ 100000 and replan_one_ms < 5.
 */
export const scheduler: Bench = {
  name: 'scheduler',
  description: `place ${serviceCount * replicas} allocations onto ${hostCount} hosts, then replan one service; goal placements_per_s >= 100000, replan_one_ms < 5`,
  async run() {
    const policy = defaultPolicy(tenant);
    policy.limits = { ...policy.limits, replicasPerService: 100, cpuMillicores: 1e9, memoryMiB: 1e9 };
    const input = { tenant, hosts: hosts(), services: services(), allocations: [], policy };

    // The JIT needs a few rounds to settle; then the median of five measured rounds.
    for (let round = 0; round < warmups; round++) new Placement(input);
    const timings: number[] = [];
    let placement = new Placement(input);
    for (let round = 0; round < measured; round++) {
      const started = performance.now();
      placement = new Placement(input);
      timings.push(performance.now() - started);
    }
    const placeMs = percentile(timings, 50);
    const placed = placement.initial.allocations.length;
    if (placed !== serviceCount * replicas || placement.initial.unplaced.length > 0) {
      throw new Error(
        `placed ${placed} of ${serviceCount * replicas}: ${placement.initial.unplaced[0]?.reason}`,
      );
    }
    console.error(`placed ${placed} allocations in ${placeMs.toFixed(1)} ms (median of ${measured})`);

    const wanted = services();
    const replans: number[] = [];
    for (let round = 0; round < replanRounds; round++) {
      const base = wanted[(round * 37) % serviceCount]!;
      const change: WantedService =
        round % 3 === 0
          ? { ...base, replicas: replicas + 5 }
          : round % 3 === 1
            ? { ...base, replicas: replicas - 5 }
            : {
                ...base,
                resources: {
                  cpuMillicores: base.resources.cpuMillicores * 2,
                  memoryMiB: base.resources.memoryMiB * 2,
                },
              };
      const t0 = performance.now();
      const result = placement.replanService(change);
      replans.push(performance.now() - t0);
      if (result.unplaced.length > 0) throw new Error(`replan left ${result.unplaced[0]?.reason}`);
    }
    const median = percentile(replans, 50);
    console.error(
      `replan one service: median ${median.toFixed(3)} ms, max ${Math.max(...replans).toFixed(3)} ms`,
    );

    return {
      bench: 'scheduler',
      allocations: placed,
      hosts: hostCount,
      placements_per_s: Math.round(placed / (placeMs / 1000)),
      replan_one_ms: Number(median.toFixed(3)),
      goal_placements_per_s: 100_000,
      goal_replan_one_ms: 5,
    };
  },
};
