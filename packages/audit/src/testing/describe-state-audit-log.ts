import { afterEach, beforeEach, describe } from '@jest/globals';
import type { StateStore } from '@slipway/state';
import type { MakeStore } from './audit-fixture.js';
import { describeAuditLogBasics } from './describe-audit-log-basics.js';
import { describeAuditLogQueries } from './describe-audit-log-queries.js';

/**
 * The behaviour of `StateAuditLog` on one kind of StateStore; `makeStore` gives each test a fresh,
 * empty store, which the suite closes afterwards.
 */
export function describeStateAuditLog(name: string, makeStore: MakeStore): void {
  describe(`StateAuditLog on ${name}`, () => {
    let current: StateStore | undefined;
    const store = (): StateStore => {
      if (!current) throw new Error('The store is only available inside a test');
      return current;
    };

    beforeEach(async () => {
      current = await makeStore();
    });

    afterEach(async () => {
      await current?.close();
      current = undefined;
    });

    describeAuditLogBasics(store);
    describeAuditLogQueries(store);
  });
}
