import { randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConflictError } from './errors.js';
import { S3StateStore } from './s3-state-store.js';
import { type MotoBucket, motoBucket, motoConnection } from './testing/moto-bucket.js';
import { describeStateStoreContract } from './testing/state-store-contract.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const connection = motoConnection();
const endpoint = connection.endpoint;
const bucket = `slipway-state-test-${randomUUID().slice(0, 8)}`;
let storeCount = 0;
let moto: MotoBucket;
let client: S3Client;

beforeAll(async () => {
  moto = await motoBucket({ label: 'slipway-state-test', bucket });
  client = moto.client;
});

afterAll(async () => {
  await moto.dispose();
});

/** Each store gets its own folder of the run's bucket, so tests cannot see each other's keys. */
function freshPrefix(): string {
  storeCount += 1;
  return `store-${storeCount}/`;
}

describeStateStoreContract('S3StateStore (moto)', async () => {
  const prefix = freshPrefix();
  return {
    store: new S3StateStore({ client, bucket, prefix }),
    writeBytes: async (key, body) => {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: prefix + key, Body: body }));
    },
  };
});

/**
 * A proxy in front of moto that answers the first `conflicts` conditional PUTs with S3's
 * 409 ConditionalRequestConflict (which moto never sends), to exercise the retry path end to end.
 */
async function startConflictProxy(
  conflicts: number,
): Promise<{ url: string; server: Server; sent: () => number }> {
  const target = new URL(endpoint);
  let sent = 0;
  const server = createServer((incoming, outgoing) => {
    const conditional =
      incoming.headers['if-match'] !== undefined || incoming.headers['if-none-match'] !== undefined;
    if (incoming.method === 'PUT' && conditional && sent < conflicts) {
      sent += 1;
      incoming.resume();
      outgoing.writeHead(409, { 'content-type': 'application/xml' });
      outgoing.end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>ConditionalRequestConflict</Code>' +
          '<Message>A conflicting conditional operation is currently in progress.</Message></Error>',
      );
      return;
    }
    const forwarded = request(
      {
        host: target.hostname,
        port: target.port,
        path: incoming.url,
        method: incoming.method,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', (error) => outgoing.destroy(error));
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, sent: () => sent };
}

describe('S3StateStore', () => {
  it('creates its own client from connection options and destroys it on close, once', async () => {
    const prefix = freshPrefix();
    const store = new S3StateStore({ ...connection, bucket, prefix: prefix.slice(0, -1) });
    await store.put('tenants/acme/tenant.json', { id: 'acme' });
    const raw = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    expect(raw.Contents?.map((object) => object.Key)).toEqual([`${prefix}tenants/acme/tenant.json`]);
    await store.close();
    await store.close();
  });

  it('keeps stores with different prefixes apart in one bucket', async () => {
    const one = new S3StateStore({ client, bucket, prefix: freshPrefix() });
    const two = new S3StateStore({ client, bucket, prefix: freshPrefix() });
    await one.put('tenants/acme/tenant.json', { store: 1 });
    expect(await two.get('tenants/acme/tenant.json')).toBeUndefined();
    expect(await two.list('')).toEqual({ items: [] });
    await two.put('tenants/acme/tenant.json', { store: 2 }, { ifNoneMatch: '*' });
    expect((await one.get('tenants/acme/tenant.json'))?.value).toEqual({ store: 1 });
  });

  it('retries 409 ConditionalRequestConflict and then succeeds', async () => {
    const proxy = await startConflictProxy(2);
    const store = new S3StateStore({ ...connection, endpoint: proxy.url, bucket, prefix: freshPrefix() });
    try {
      const { etag } = await store.put('tenants/acme/tenant.json', { id: 'acme' }, { ifNoneMatch: '*' });
      expect(proxy.sent()).toBe(2);
      expect((await store.get('tenants/acme/tenant.json'))?.etag).toBe(etag);
    } finally {
      await store.close();
      proxy.server.close();
    }
  });

  it('turns 409s that outlast the retries into ConflictError', async () => {
    const proxy = await startConflictProxy(100);
    const store = new S3StateStore({
      ...connection,
      endpoint: proxy.url,
      bucket,
      prefix: freshPrefix(),
      conflictRetries: 2,
    });
    try {
      const put = store.put('tenants/acme/tenant.json', { id: 'acme' }, { ifNoneMatch: '*' });
      await expect(put).rejects.toThrow(ConflictError);
      await expect(put).rejects.toThrow(/kept colliding/);
      expect(proxy.sent()).toBe(3);
      expect(await store.get('tenants/acme/tenant.json')).toBeUndefined();
    } finally {
      await store.close();
      proxy.server.close();
    }
  });
});
