// Test helpers (not exported by the package): real stores in a temp folder or a fresh moto bucket.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { FsStateStore, listAll, type StateStore } from '@slipway/state';

/** A state store plus a way to throw it away. */
export interface TestStore {
  store: StateStore;
  dispose(): Promise<void>;
}

/** A filesystem store in a fresh temp folder. */
export async function fsTestStore(): Promise<TestStore> {
  const root = await mkdtemp(join(tmpdir(), 'slipway-identity-test-'));
  const store = new FsStateStore({ root, durable: false });
  return {
    store,
    dispose: async () => {
      await store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Every document in `store`, as raw JSON text, for "the secret is stored nowhere" checks. */
export async function dumpStore(store: StateStore): Promise<string> {
  const parts: string[] = [];
  for await (const { key } of listAll(store, '')) {
    parts.push(`${key} ${JSON.stringify((await store.get(key))?.value)}`);
  }
  return parts.join('\n');
}

/** Connection to moto_server, the AWS API the tests run against. */
export const motoConnection = {
  endpoint: process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5001',
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  forcePathStyle: true,
};

/** A fresh bucket on moto for one test file; `dispose` empties and deletes it. */
export async function motoBucket(): Promise<{ client: S3Client; bucket: string; dispose(): Promise<void> }> {
  const client = new S3Client(motoConnection);
  const bucket = `slipway-identity-test-${randomUUID().slice(0, 8)}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const empty = async () => {
    for (;;) {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      const objects = (page.Contents ?? []).map((object) => ({ Key: object.Key }));
      if (objects.length === 0) return;
      await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
    }
  };
  return {
    client,
    bucket,
    dispose: async () => {
      await empty();
      await client.send(new DeleteBucketCommand({ Bucket: bucket }));
      client.destroy();
    },
  };
}
