import { describe, expect, it } from '@jest/globals';
import { hostsLost } from './hosts-lost.js';

const hosts = [
  { id: 'h-1', registeredAtMs: 0 },
  { id: 'h-2', registeredAtMs: 0 },
  { id: 'h-3', registeredAtMs: 50_000 },
];

describe('hostsLost', () => {
  it('finds the hosts silent for longer than the default grace of 15 s', () => {
    const heartbeats = new Map([
      ['h-1', 44_000],
      ['h-2', 46_000],
    ]);
    expect(hostsLost(hosts, heartbeats, 60_000)).toEqual(['h-1']);
  });

  it('counts a host that never reported from its registration', () => {
    expect(hostsLost(hosts, new Map(), 64_000)).toEqual(['h-1', 'h-2']);
    expect(hostsLost(hosts, new Map(), 65_001)).toEqual(['h-1', 'h-2', 'h-3']);
  });

  it('keeps a host exactly at its grace, and takes a custom grace', () => {
    const heartbeats = new Map([['h-1', 45_000]]);
    expect(hostsLost([hosts[0]!], heartbeats, 60_000)).toEqual([]);
    expect(hostsLost([hosts[0]!], heartbeats, 60_000, 5_000)).toEqual(['h-1']);
  });

  it('returns the ids sorted, whatever the input order', () => {
    expect(hostsLost([...hosts].reverse(), new Map(), 1_000_000)).toEqual(['h-1', 'h-2', 'h-3']);
  });
});
