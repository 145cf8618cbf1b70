import { randomBytes } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoLeaseBackend } from '@slipway/lease';
import { motoBucket } from '@slipway/state/testing/moto';

export interface AwsStateNames {
  endpoint: string;
  region: string;
  bucket: string;
  table: string;
}

/**
 * Creates an S3 bucket and a DynamoDB lease table (in moto) for one test or bench, and returns
 * the function that deletes both again.
 */
export async function createAwsState(names: AwsStateNames): Promise<() => Promise<void>> {
  const bucket = await motoBucket({ label: names.bucket, bucket: names.bucket, endpoint: names.endpoint });
  const dynamo = new DynamoDBClient({
    endpoint: names.endpoint,
    region: names.region,
    credentials: bucket.connection.credentials,
  });
  const lease = new DynamoLeaseBackend({ client: dynamo, tableName: names.table });
  await lease.ensureTable();
  return async () => {
    await dynamo.send(new DeleteTableCommand({ TableName: names.table }));
    dynamo.destroy();
    await bucket.dispose();
  };
}

/** The environment of a controller process in AWS mode against `names` (moto), with a fresh secrets key. */
export function awsControllerEnv(
  names: AwsStateNames,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    SLIPWAY_MODE: 'aws',
    AWS_REGION: names.region,
    AWS_ENDPOINT_URL: names.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    SLIPWAY_STATE_BUCKET: names.bucket,
    SLIPWAY_LEASE_TABLE: names.table,
    SLIPWAY_SECRETS_KEY: randomBytes(32).toString('base64'),
    ...extra,
  };
}
