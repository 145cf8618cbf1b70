// Safe to import outside jest (benchmarks): it must not pull in the contract suites.
import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';

/** Connection settings for moto_server, the AWS API the tests run against. */
export function motoConnection(endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5001') {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    forcePathStyle: true,
  };
}

export interface MotoBucket {
  client: S3Client;
  bucket: string;
  connection: ReturnType<typeof motoConnection>;
  /** Empties and deletes the bucket, and destroys the client. */
  dispose(): Promise<void>;
}

/**
 * A fresh bucket on moto for one test file or benchmark, named `<label>-<random>`.
 *
 * @example
 * const { bucket, connection, dispose } = await motoBucket({ label: 'slipway-audit-test' });
 * afterAll(dispose);
 */
export async function motoBucket(options: {
  label: string;
  endpoint?: string;
  bucket?: string;
}): Promise<MotoBucket> {
  const connection = motoConnection(options.endpoint);
  const client = new S3Client(connection);
  const bucket = options.bucket ?? `${options.label}-${randomUUID().slice(0, 8)}`;
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
    connection,
    dispose: async () => {
      // Retried: writes of a test that timed out may still be landing while we empty it.
      for (let attempt = 1; ; attempt++) {
        await empty();
        try {
          await client.send(new DeleteBucketCommand({ Bucket: bucket }));
          break;
        } catch (error) {
          if (attempt === 5 || (error as Error).name !== 'BucketNotEmpty') throw error;
        }
      }
      client.destroy();
    },
  };
}
