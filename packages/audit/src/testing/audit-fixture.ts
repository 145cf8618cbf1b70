import type { StateStore } from '@slipway/state';
import type { AuditEntryInput } from '../audit-entry.js';

/** A fresh, empty store for one test; the suite closes it afterwards. */
export type MakeStore = () => Promise<StateStore>;

/** Gives the suites the current test's store. */
export type StoreAccess = () => StateStore;

export const DAY = 86_400_000;
/** 2025-06-14T00:00:00Z: a fixed start, so day folders are predictable. */
export const DAY0 = Date.UTC(2025, 5, 14);

/** A valid entry input; override what the test is about. */
export function entryInput(overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    tenant: 'acme',
    actor: { kind: 'user', id: 'u-alice', tokenId: 'tok-1' },
    action: 'service.update',
    target: { type: 'service', id: 'web' },
    outcome: 'success',
    status: 200,
    source: { ip: '203.0.113.9', userAgent: 'slipway-cli/1.0', requestId: 'req-1' },
    ...overrides,
  };
}

/** Runs `tasks` with at most `width` in flight, keeping S3 (moto) request bursts modest. */
export async function inBatches<T>(width: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < tasks.length; start += width) {
    results.push(...(await Promise.all(tasks.slice(start, start + width).map((task) => task()))));
  }
  return results;
}
