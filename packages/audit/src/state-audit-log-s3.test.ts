import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from '@jest/globals';
import { S3StateStore } from '@slipway/state';
import { describeStateAuditLog } from './testing/describe-state-audit-log.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const client = new S3Client({
  endpoint: process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5001',
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  forcePathStyle: true,
});
const bucket = `slipway-audit-test-${randomUUID().slice(0, 8)}`;
let storeCount = 0;

beforeAll(async () => {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  // Emptying and deleting is retried: writes of a test that timed out may still be landing.
  for (let attempt = 1; ; attempt++) {
    await emptyBucket();
    try {
      await client.send(new DeleteBucketCommand({ Bucket: bucket }));
      break;
    } catch (error) {
      if (attempt === 5 || (error as Error).name !== 'BucketNotEmpty') throw error;
    }
  }
  client.destroy();
});

async function emptyBucket(): Promise<void> {
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const objects = (page.Contents ?? []).map((object) => ({ Key: object.Key }));
    if (objects.length === 0) return;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
  }
}

// Each test gets its own folder of the run's bucket, so tests cannot see each other's entries.
describeStateAuditLog('S3StateStore (moto)', async () => {
  storeCount += 1;
  return new S3StateStore({ client, bucket, prefix: `store-${storeCount}/` });
});
