import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoLeaseBackend } from './dynamo-lease-backend.js';
import { describeLeaseBackendContract } from './testing/lease-backend-contract.js';
import { freshLeaseTable, motoClient, motoEndpoint, uniqueName } from './testing/moto.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let table: { client: DynamoDBClient; tableName: string; drop(): Promise<void> };

beforeAll(async () => {
  table = await freshLeaseTable();
});

afterAll(async () => {
  await table.drop();
});

describeLeaseBackendContract(
  'DynamoLeaseBackend (moto)',
  () => new DynamoLeaseBackend({ client: table.client, tableName: table.tableName }),
);

describe('DynamoLeaseBackend', () => {
  it('ensureTable() is idempotent on an existing table', async () => {
    const backend = new DynamoLeaseBackend({ client: table.client, tableName: table.tableName });
    await backend.ensureTable();
    const now = Date.now();
    const result = await backend.tryAcquire({ name: uniqueName('ensure'), owner: 'a', ttlMs: 1000, now });
    expect(result.acquired).toBe(true);
  });

  it('says how to fix a missing table', async () => {
    const backend = new DynamoLeaseBackend({ client: table.client, tableName: uniqueName('no-such-table') });
    const call = backend.tryAcquire({ name: 'x', owner: 'a', ttlMs: 1000, now: Date.now() });
    await expect(call).rejects.toMatchObject({ name: 'LeaseError', code: 'LEASE_TABLE_MISSING' });
    await expect(call).rejects.toThrow(/ensureTable\(\)/);
  });

  it('turns an unreachable endpoint into a typed LEASE_BACKEND_FAILED error', async () => {
    const backend = new DynamoLeaseBackend({
      client: motoClient('http://127.0.0.1:1'),
      tableName: table.tableName,
    });
    const call = backend.renew({ name: 'x', owner: 'a', epoch: 1, ttlMs: 1000, now: Date.now() });
    await expect(call).rejects.toMatchObject({ name: 'LeaseError', code: 'LEASE_BACKEND_FAILED' });
    await expect(call).rejects.toThrow(/ECONNREFUSED/);
  });

  it('builds and closes its own client from endpoint options (close is idempotent)', async () => {
    const backend = new DynamoLeaseBackend({
      tableName: table.tableName,
      endpoint: motoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const lease = uniqueName('own-client');
    const result = await backend.tryAcquire({ name: lease, owner: 'a', ttlMs: 1000, now: Date.now() });
    expect(result.acquired).toBe(true);
    backend.close();
    backend.close();
    expect(
      (await new DynamoLeaseBackend({ client: table.client, tableName: table.tableName }).read(lease))?.owner,
    ).toBe('a');
  });
});
