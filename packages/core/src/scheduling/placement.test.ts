import { describe, expect, it } from '@jest/globals';
import { Placement } from './placement.js';
import { planPlacement } from './plan-placement.js';
import { host, input, wanted } from './scheduling-fixtures.js';

const hosts = [host('h-1', { zone: 'a' }), host('h-2', { zone: 'a' }), host('h-3', { zone: 'b' })];

describe('Placement.replanService', () => {
  it('scales up by adding slots only, as a full replan would', () => {
    const placement = new Placement(input(hosts, [wanted('web', 2), wanted('api', 1)]));
    const before = placement.initial.allocations;
    const result = placement.replanService(wanted('web', 3));
    expect(result.added).toHaveLength(1);
    expect(result.removed).toEqual([]);
    expect(result.allocations.map((a) => a.slot)).toEqual([0, 1, 2]);
    const full = planPlacement(input(hosts, [wanted('web', 3), wanted('api', 1)], before));
    expect(placement.snapshot()).toEqual({ allocations: full.allocations, unplaced: full.unplaced });
  });

  it('scales down by removing the highest slots', () => {
    const placement = new Placement(input(hosts, [wanted('web', 3)]));
    const [slot0, slot1, slot2] = placement.initial.allocations;
    const result = placement.replanService(wanted('web', 1));
    expect(result.allocations).toEqual([slot0]);
    expect(result.removed).toEqual([slot1!.id, slot2!.id].sort());
  });

  it('moves only the allocations that no longer fit their host after a resize', () => {
    const placement = new Placement(
      input([host('h-1', { mem: 1024 }), host('h-2', { mem: 4096 })], [wanted('web', 2, { mem: 512 })]),
    );
    const onSmall = placement.initial.allocations.find((a) => a.host === 'h-1')!;
    const onBig = placement.initial.allocations.find((a) => a.host === 'h-2')!;
    const result = placement.replanService(wanted('web', 2, { mem: 1500 }));
    expect(result.removed).toEqual([onSmall.id]);
    expect(result.allocations.find((a) => a.id === onBig.id)?.host).toBe('h-2');
    expect(result.allocations.map((a) => a.host)).toEqual(['h-2', 'h-2']);
  });

  it('offers the room a deleted service frees to slots left unplaced', () => {
    const placement = new Placement(
      input([host('h-1', { mem: 1024 })], [wanted('big', 1, { mem: 800 }), wanted('small', 1, { mem: 400 })]),
    );
    expect(placement.initial.unplaced.map((u) => u.service)).toEqual(['small']);
    const result = placement.removeService('production', 'big');
    expect(result.added).toEqual([expect.stringMatching(/^small-0-/)]);
    expect(placement.snapshot().unplaced).toEqual([]);
  });

  it('places a service it has not seen before', () => {
    const placement = new Placement(input(hosts, []));
    expect(placement.replanService(wanted('web', 2)).allocations).toHaveLength(2);
  });
});
