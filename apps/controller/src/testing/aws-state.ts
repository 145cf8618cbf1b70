import { randomBytes } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { DynamoLeaseBackend } from '@slipway/lease';

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
  const connection = {
    endpoint: names.endpoint,
    region: names.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const s3 = new S3Client({ ...connection, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: names.bucket }));
  const dynamo = new DynamoDBClient(connection);
  const lease = new DynamoLeaseBackend({ client: dynamo, tableName: names.table });
  await lease.ensureTable();
  return async () => {
    await dynamo.send(new DeleteTableCommand({ TableName: names.table }));
    dynamo.destroy();
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: names.bucket, ContinuationToken: token }),
      );
      const objects = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (objects.length > 0)
        await s3.send(new DeleteObjectsCommand({ Bucket: names.bucket, Delete: { Objects: objects } }));
      token = page.NextContinuationToken;
    } while (token);
    await s3.send(new DeleteBucketCommand({ Bucket: names.bucket }));
    s3.destroy();
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
