import { randomBytes } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoLeaseBackend } from '../dynamo-lease-backend.js';

// Tests may read the environment; adapters never do.
export const motoEndpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5001';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * A client for moto. moto serves requests on parallel threads and its conditional writes are NOT
 * atomic across them (seen here: 1 round in 40 of 20 racing acquirers had two winners with epoch 1),
 * whereas DynamoDB guarantees atomic conditional writes per item. One socket makes moto see one
 * request at a time, so it behaves like DynamoDB; share this client between the replicas of a test.
 */
export function motoClient(endpoint = motoEndpoint): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials,
    requestHandler: { httpAgent: { keepAlive: true, maxSockets: 1 } },
  });
}

/** A unique name per test run, so parallel runs and leftovers never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A fresh lease table on moto and a function that deletes it again. */
export async function freshLeaseTable(): Promise<{
  client: DynamoDBClient;
  tableName: string;
  drop(): Promise<void>;
}> {
  const client = motoClient();
  const tableName = uniqueName('slipway-lease-test');
  await new DynamoLeaseBackend({ client, tableName }).ensureTable();
  return {
    client,
    tableName,
    async drop() {
      try {
        await client.send(new DeleteTableCommand({ TableName: tableName }));
      } finally {
        client.destroy();
      }
    },
  };
}
