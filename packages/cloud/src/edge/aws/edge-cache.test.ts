import { describe, expect, it } from '@jest/globals';
import { EdgeCache } from './edge-cache.js';

describe('EdgeCache', () => {
  const listener = {
    loadBalancer: 'slw-lb',
    arn: 'arn:listener:1',
    port: 443,
    protocol: 'HTTPS',
    action: { type: 'not-found' as const },
    certificateArns: [],
  };

  it('trusts an entry until it is as old as the limit (read spread over the last half), then reads again', () => {
    let now = 1_000_000;
    const latest = new EdgeCache(
      60_000,
      () => now,
      () => 0,
    );
    const earliest = new EdgeCache(
      60_000,
      () => now,
      () => 0.9999,
    );
    latest.delays.fresh('arn:tg', 30);
    earliest.delays.fresh('arn:tg', 30);
    now += 29_000;
    expect([latest.delays.get('arn:tg'), earliest.delays.get('arn:tg')]).toEqual([30, 30]);
    now += 2_000;
    expect([latest.delays.get('arn:tg'), earliest.delays.get('arn:tg')]).toEqual([30, undefined]);
    now += 29_000;
    expect(latest.delays.get('arn:tg')).toBeUndefined();
  });

  it('applies our own changes without making the entry look newly confirmed', () => {
    let now = 0;
    const cache = new EdgeCache(
      60_000,
      () => now,
      () => 0,
    );
    cache.targets.fresh('arn:tg', { targets: [], draining: 0 });
    now += 59_999;
    cache.targets.update('arn:tg', (known) => ({ ...known, targets: [{ address: '10.0.0.1', port: 1 }] }));
    expect(cache.targets.get('arn:tg')?.targets).toEqual([{ address: '10.0.0.1', port: 1 }]);
    now += 1;
    expect(cache.targets.get('arn:tg')).toBeUndefined();
  });

  it('forgets what it is told to, and keeps rule sets only while their listener is known', () => {
    const cache = new EdgeCache(60_000, () => 0);
    cache.listeners.fresh('arn:lb', [listener]);
    cache.rules.fresh('arn:listener:1', []);
    cache.rules.fresh('arn:listener:gone', []);
    cache.retain(new Set(['arn:lb']));
    expect(cache.rules.get('arn:listener:1')).toEqual([]);
    expect(cache.rules.get('arn:listener:gone')).toBeUndefined();
    cache.forget(['arn:lb']);
    expect(cache.listeners.get('arn:lb')).toBeUndefined();
  });
});
