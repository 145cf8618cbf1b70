export { type MotoBucket, motoBucket, motoConnection } from './moto-bucket.js';
export { describeStateStoreContract, type StoreFixture } from './state-store-contract.js';
