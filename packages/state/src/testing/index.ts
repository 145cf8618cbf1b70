export { describeStateStoreContract, type StoreFixture } from './state-store-contract.js';
