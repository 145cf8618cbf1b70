import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from '@jest/globals';
import { FsStateStore } from '@slipway/state';
import { describeStateAuditLog } from './testing/describe-state-audit-log.js';

let base: string;
let storeCount = 0;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slipway-audit-test-'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describeStateAuditLog('FsStateStore', async () => {
  storeCount += 1;
  // Not durable: what is tested is the log's layout and queries, not fsync (slow under CI's disk load).
  return new FsStateStore({ root: join(base, `store-${storeCount}`), durable: false });
});
