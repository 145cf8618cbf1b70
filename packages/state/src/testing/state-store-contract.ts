import { afterEach, beforeEach, describe } from '@jest/globals';
import { describeConcurrencyContract } from './contract-concurrency.js';
import { describeDocumentContract } from './contract-documents.js';
import { describeFencingContract } from './contract-fencing.js';
import { describeListingContract } from './contract-listing.js';
import type { StoreFixture } from './store-fixture.js';

export type { StoreFixture } from './store-fixture.js';

/**
 * The behaviour every `StateStore` must have. Run it once per implementation; `makeStore` gives each
 * test a fresh, empty store (the suite closes it afterwards).
 *
 * @example
 * describeStateStoreContract('FsStateStore', async () => ({ store: new FsStateStore({ root }), writeBytes }));
 */
export function describeStateStoreContract(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`StateStore contract: ${name}`, () => {
    let current: StoreFixture | undefined;
    const fixture = () => {
      if (!current) throw new Error('The contract fixture is only available inside a test');
      return current;
    };

    beforeEach(async () => {
      current = await makeStore();
    });

    afterEach(async () => {
      await fixture().store.close();
      await fixture().store.close(); // idempotent
      current = undefined;
    });

    describeDocumentContract(fixture);
    describeListingContract(fixture);
    describeFencingContract(fixture);
    describeConcurrencyContract(fixture);
  });
}
