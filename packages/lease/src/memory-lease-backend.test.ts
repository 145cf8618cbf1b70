import { MemoryLeaseBackend } from './memory-lease-backend.js';
import { describeLeaseBackendContract } from './testing/lease-backend-contract.js';

describeLeaseBackendContract('MemoryLeaseBackend', () => new MemoryLeaseBackend());
