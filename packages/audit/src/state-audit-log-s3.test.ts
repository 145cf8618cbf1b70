import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from '@jest/globals';
import { S3StateStore } from '@slipway/state';
import { type MotoBucket, motoBucket } from '@slipway/state/testing/moto';
import { describeStateAuditLog } from './testing/describe-state-audit-log.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const bucket = `slipway-audit-test-${randomUUID().slice(0, 8)}`;
let storeCount = 0;
let moto: MotoBucket;
let client: S3Client;

beforeAll(async () => {
  moto = await motoBucket({ label: 'slipway-audit-test', bucket });
  client = moto.client;
});

afterAll(async () => {
  await moto.dispose();
});

// Each test gets its own folder of the run's bucket, so tests cannot see each other's entries.
describeStateAuditLog('S3StateStore (moto)', async () => {
  storeCount += 1;
  return new S3StateStore({ client, bucket, prefix: `store-${storeCount}/` });
});
