import { describe, expect, it } from '@jest/globals';
import { RECORD_ID_PATTERN } from '../domain/names.js';
import { planPlacement } from './plan-placement.js';
import { host, input, roomyPolicy, wanted } from './scheduling-fixtures.js';

const hostsOf = (plan: { allocations: { host: string }[] }) => plan.allocations.map((a) => a.host);

describe('planPlacement', () => {
  it('spreads the replicas of a service over hosts, then zones', () => {
    const hosts = [
      host('h-1', { zone: 'a' }),
      host('h-2', { zone: 'a' }),
      host('h-3', { zone: 'b' }),
      host('h-4', { zone: 'b' }),
    ];
    const plan = planPlacement(input(hosts, [wanted('web', 4)]));
    expect(new Set(hostsOf(plan)).size).toBe(4);
    const two = planPlacement(input(hosts, [wanted('web', 2)]));
    expect(two.allocations.map((a) => hosts.find((h) => h.id === a.host)!.labels.zone).sort()).toEqual([
      'a',
      'b',
    ]);
  });

  it('packs by best fit: a replica goes to the host it fills the most', () => {
    const hosts = [host('h-big', { mem: 4096 }), host('h-small', { mem: 512 })];
    expect(hostsOf(planPlacement(input(hosts, [wanted('web', 1, { mem: 400 })])))).toEqual(['h-small']);
  });

  it('gives new allocations deterministic, valid ids, the same on every replan of the same state', () => {
    const args = input([host('h-1'), host('h-2')], [wanted('web', 2), wanted('api', 1)]);
    const first = planPlacement(args);
    expect(planPlacement(args)).toEqual(first);
    for (const allocation of first.allocations) expect(allocation.id).toMatch(RECORD_ID_PATTERN);
    expect(first.allocations.map((a) => a.id)).toEqual([
      expect.stringMatching(/^api-0-[0-9a-f]{12}$/),
      expect.stringMatching(/^web-0-[0-9a-f]{12}$/),
      expect.stringMatching(/^web-1-[0-9a-f]{12}$/),
    ]);
    expect(first.added).toHaveLength(3);
  });

  it('keeps existing allocations where they are when nothing changed', () => {
    const hosts = [host('h-1'), host('h-2'), host('h-3')];
    const first = planPlacement(input(hosts, [wanted('web', 3)]));
    const again = planPlacement(input([...hosts, host('h-0')], [wanted('web', 3)], first.allocations));
    expect(again.allocations).toEqual(first.allocations);
    expect(again).toMatchObject({ added: [], removed: [], unplaced: [] });
  });

  it('removes the highest slots when a service scales down', () => {
    const hosts = [host('h-1'), host('h-2'), host('h-3')];
    const first = planPlacement(input(hosts, [wanted('web', 3)]));
    const down = planPlacement(input(hosts, [wanted('web', 1)], first.allocations));
    expect(down.allocations).toEqual([first.allocations[0]]);
    expect(down.removed).toEqual([first.allocations[1]!.id, first.allocations[2]!.id].sort());
  });

  it('moves allocations off a lost host and keeps those on a draining one, placing nothing new there', () => {
    const hosts = [host('h-1'), host('h-2'), host('h-3')];
    const first = planPlacement(input(hosts, [wanted('web', 2)]));
    const [onH1, onH2] = [
      first.allocations.find((a) => a.host === 'h-1')!,
      first.allocations.find((a) => a.host === 'h-2')!,
    ];
    const changed = [host('h-1', { status: 'lost' }), host('h-2', { status: 'draining' }), host('h-3')];
    const next = planPlacement(input(changed, [wanted('web', 3)], first.allocations));
    expect(next.allocations.find((a) => a.id === onH2.id)?.host).toBe('h-2');
    expect(next.removed).toEqual([onH1.id]);
    expect(next.allocations.filter((a) => a.id !== onH2.id).map((a) => a.host)).toEqual(['h-3', 'h-3']);
    expect(next.allocations.find((a) => a.slot === onH1.slot)?.host).toBe('h-3');
  });

  it("never places onto another tenant's host", () => {
    const plan = planPlacement(input([host('h-1', { tenant: 'globex' })], [wanted('web', 1)]));
    expect(plan.allocations).toEqual([]);
    expect(plan.unplaced).toEqual([
      {
        service: 'web',
        environment: 'production',
        slot: 0,
        reason: 'the tenant has no hosts; join one with a join token',
      },
    ]);
  });

  it('explains a slot that does not fit with the largest free memory and its host', () => {
    const hosts = [host('h-1', { mem: 128 }), host('h-2', { mem: 200 }), host('h-3', { mem: 256 })];
    const plan = planPlacement(input(hosts, [wanted('web', 1, { mem: 512 })]));
    expect(plan.unplaced.map((u) => u.reason)).toEqual([
      'needs 512 MiB, largest free is 256 MiB on host h-3',
    ]);
  });

  it('explains a shortage of cpu, and of both resources on one host', () => {
    const cpuShort = planPlacement(input([host('h-1', { cpu: 300 })], [wanted('web', 1, { cpu: 500 })]));
    expect(cpuShort.unplaced[0]?.reason).toBe('needs 500m cpu, largest free is 300m on host h-1');
    const split = planPlacement(
      input(
        [host('h-1', { cpu: 1000, mem: 100 }), host('h-2', { cpu: 100, mem: 1000 })],
        [wanted('web', 1, { cpu: 500, mem: 500 })],
      ),
    );
    expect(split.unplaced[0]?.reason).toBe(
      'needs 500m cpu and 500 MiB on one host, and no ready host has both free ' +
        '(most memory: 1000 MiB with 100m cpu on host h-2; most cpu: 1000m with 100 MiB on host h-1)',
    );
  });

  it('says when no host is ready', () => {
    const hosts = [host('h-1', { status: 'lost' }), host('h-2', { status: 'draining' })];
    expect(planPlacement(input(hosts, [wanted('web', 1)])).unplaced[0]?.reason).toBe(
      "no ready host among the tenant's 2 hosts (1 draining, 1 lost)",
    );
  });

  it('places no more than the policy allows, naming the limit', () => {
    const hosts = [host('h-1'), host('h-2')];
    const replicas = planPlacement(
      input(hosts, [wanted('web', 3)], [], roomyPolicy({ replicasPerService: 2 })),
    );
    expect(replicas.allocations).toHaveLength(2);
    expect(replicas.unplaced).toEqual([
      {
        service: 'web',
        environment: 'production',
        slot: 2,
        reason: "replicas 3 exceeds the tenant's limit limits.replicasPerService = 2",
      },
    ]);
    const memory = planPlacement(
      input(hosts, [wanted('web', 3, { mem: 300 })], [], roomyPolicy({ memoryMiB: 700 })),
    );
    expect(memory.allocations).toHaveLength(2);
    expect(memory.unplaced[0]?.reason).toBe(
      "would bring the tenant's memory to 900 MiB, over its limit limits.memoryMiB = 700",
    );
    const cpu = planPlacement(
      input(hosts, [wanted('web', 2, { cpu: 600 })], [], roomyPolicy({ cpuMillicores: 1000 })),
    );
    expect(cpu.unplaced[0]?.reason).toBe(
      "would bring the tenant's cpu to 1200m, over its limit limits.cpuMillicores = 1000",
    );
  });

  it('removes the allocations of a service that is no longer wanted, and duplicates of a slot', () => {
    const hosts = [host('h-1'), host('h-2')];
    const first = planPlacement(input(hosts, [wanted('web', 1), wanted('api', 1)]));
    const web = first.allocations.find((a) => a.service === 'web')!;
    const api = first.allocations.find((a) => a.service === 'api')!;
    const duplicate = { ...web, id: 'web-0-zzz', host: 'h-2' };
    const next = planPlacement(input(hosts, [wanted('web', 1)], [...first.allocations, duplicate]));
    expect(next.allocations).toEqual([web]);
    expect(next.removed).toEqual([api.id, duplicate.id].sort());
  });
});
