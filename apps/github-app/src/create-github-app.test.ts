import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { examplePayload, type FakeGitHub, signWebhook, startFakeGitHub } from '@slipway/fakes';
import {
  createQueues,
  type InboxPump,
  type Queues,
  startInboxPump,
  type WebhookEventJob,
  webhookInboxKey,
  webhookJobId,
} from '@slipway/queue';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createGitHubApp, type GitHubApp, WEBHOOK_PATH } from './create-github-app.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const sha = 'b'.repeat(40);

describe('GitHub App webhook intake (real Redis, real HTTP, real payloads)', () => {
  const prefix = uniquePrefix('ghapp');
  const logs: Record<string, unknown>[] = [];
  let fake: FakeGitHub;
  let redis: Redis;
  let queues: Queues;
  let app: GitHubApp;
  let pump: InboxPump;
  let url: string;
  let repo: { id: number; installationId: number };

  beforeAll(async () => {
    fake = await startFakeGitHub();
    const added = fake.addRepo({ owner: 'acme', name: 'web' });
    repo = { id: added.id, installationId: added.installationId! };
    redis = new Redis(redisUrl);
    queues = createQueues({ connection: redis, prefix });
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    app = await createGitHubApp({
      config: {
        appId: String(fake.appId),
        privateKey: fake.privateKey,
        webhookSecret: fake.webhookSecret,
        baseUrl: fake.baseUrl,
      },
      queues,
      logger,
    });
    // The app appends to the webhook inbox; the pump moves deliveries into the queue, dropping repeats.
    pump = startInboxPump({ queues, blockMs: 50 });
    url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}${WEBHOOK_PATH}`;
  });

  afterAll(async () => {
    await app.close();
    await app.close(); // idempotent
    await pump.close();
    await queues.close();
    await cleanupRedis(redis, prefix);
    await redis.quit();
    await fake.close();
  });

  const post = async (options: { event: string; payload: unknown; secret?: string; deliveryId?: string }) => {
    const signed = signWebhook({ secret: fake.webhookSecret, ...options });
    const response = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
    return {
      status: response.status,
      deliveryId: signed.headers['x-github-delivery']!,
      headers: signed.headers,
      body: signed.body,
    };
  };
  /** Waits until the pump has moved everything the app appended to the inbox. */
  const drained = async () => {
    const deadline = Date.now() + 5000;
    while ((await redis.xlen(webhookInboxKey(prefix))) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const jobOf = async (deliveryId: string): Promise<WebhookEventJob | undefined> => {
    await drained();
    return (await queues.webhookEvents.getJob(webhookJobId({ deliveryId })))?.data;
  };
  const count = async () => {
    await drained();
    return queues.webhookEvents.count();
  };
  const repository = { owner: 'acme', name: 'web', id: 0 };

  beforeAll(() => {
    repository.id = repo.id;
  });

  it('enqueues a push with the fields the intake worker needs, and calls no GitHub API', async () => {
    const payload = examplePayload('push', {
      repository,
      installationId: repo.installationId,
      sha,
      ref: 'main',
    });
    const { status, deliveryId } = await post({ event: 'push', payload });
    expect(status).toBe(200);
    const job = await jobOf(deliveryId);
    expect(job).toMatchObject({
      deliveryId,
      event: 'push',
      installationId: repo.installationId,
      repository: { id: repo.id, fullName: 'acme/web' },
      subset: { ref: 'refs/heads/main', sha, deleted: false },
    });
    // The raw payload (commits, emails, messages) stays out of Redis.
    expect(JSON.stringify(job)).not.toContain('"commits"');
    expect(fake.requests).toHaveLength(0);
    expect(logs).toContainEqual(expect.objectContaining({ deliveryId, msg: 'delivery accepted' }));
  });

  it('enqueues pull_request.opened with the head sha and the PR number', async () => {
    const payload = examplePayload('pull_request', {
      action: 'opened',
      repository,
      installationId: repo.installationId,
      sha,
      ref: 'feature/x',
      pullRequestNumber: 12,
    });
    const { status, deliveryId } = await post({ event: 'pull_request', payload });
    expect(status).toBe(200);
    expect(await jobOf(deliveryId)).toMatchObject({
      event: 'pull_request',
      action: 'opened',
      repository: { id: repo.id, fullName: 'acme/web' },
      subset: { ref: 'feature/x', sha, pullRequest: { number: 12, merged: false } },
    });
  });

  it('enqueues installation.created with its repositories', async () => {
    const payload = examplePayload('installation', {
      action: 'created',
      installationId: repo.installationId,
    });
    const { status, deliveryId } = await post({ event: 'installation', payload });
    expect(status).toBe(200);
    const job = await jobOf(deliveryId);
    expect(job).toMatchObject({
      event: 'installation',
      action: 'created',
      installationId: repo.installationId,
    });
    expect(job?.repository).toBeUndefined();
    expect(job?.subset.repositoriesAdded?.length).toBeGreaterThan(0);
  });

  it('enqueues the same delivery once', async () => {
    const payload = examplePayload('push', {
      repository,
      installationId: repo.installationId,
      sha,
      ref: 'main',
    });
    const before = await count();
    const first = await post({ event: 'push', payload, deliveryId: 'repeat-delivery-1' });
    const second = await post({ event: 'push', payload, deliveryId: 'repeat-delivery-1' });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect((await count()) - before).toBe(1);
  });

  it('drops a delivery whose X-GitHub-Delivery is not a delivery id, with a warning', async () => {
    const payload = examplePayload('push', {
      repository,
      installationId: repo.installationId,
      sha,
      ref: 'main',
    });
    const before = await count();
    const { status } = await post({ event: 'push', payload, deliveryId: 'not an id!' });
    expect(status).toBe(200);
    expect(await count()).toBe(before);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 40,
        deliveryId: 'not an id!',
        reason: expect.stringMatching(/^X-GitHub-Delivery is not a delivery id/),
      }),
    );
  });

  it('rejects a bad signature with 400, enqueues nothing and logs a warning with the delivery id', async () => {
    const payload = examplePayload('push', {
      repository,
      installationId: repo.installationId,
      sha,
      ref: 'main',
    });
    const before = await count();
    const { status, deliveryId } = await post({ event: 'push', payload, secret: 'not-the-secret' });
    expect(status).toBe(400);
    expect(await count()).toBe(before);
    expect(await jobOf(deliveryId)).toBeUndefined();
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 40,
        deliveryId,
        msg: expect.stringMatching(/^webhook rejected: bad signature/),
      }),
    );
  });

  it('rejects a missing signature with 400 and logs a warning with the delivery id', async () => {
    const payload = examplePayload('push', {
      repository,
      installationId: repo.installationId,
      sha,
      ref: 'main',
    });
    const signed = signWebhook({ event: 'push', payload, secret: fake.webhookSecret });
    delete signed.headers['x-hub-signature-256'];
    delete signed.headers['x-hub-signature'];
    const before = await count();
    const response = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
    expect(response.status).toBe(400);
    expect(await count()).toBe(before);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 40, deliveryId: signed.headers['x-github-delivery'] }),
    );
  });

  it('rejects malformed JSON with 400, signed or not', async () => {
    const before = await count();
    expect((await post({ event: 'push', payload: '{"ref": "refs/heads/main",' })).status).toBe(400);
    expect((await post({ event: 'push', payload: 'not json', secret: 'wrong' })).status).toBe(400);
    expect(await count()).toBe(before);
  });

  it('answers 200 to an event it does not handle and enqueues nothing', async () => {
    const before = await count();
    const star = examplePayload('star', { repository, installationId: repo.installationId });
    const { status, deliveryId } = await post({ event: 'star', payload: star });
    expect(status).toBe(200);
    const labeled = examplePayload('pull_request', { action: 'labeled', repository, installationId: 1 });
    expect((await post({ event: 'pull_request', payload: labeled })).status).toBe(200);
    expect(await count()).toBe(before);
    expect(await jobOf(deliveryId)).toBeUndefined();
  });

  it('answers 500 and stores nothing when Redis cannot take the delivery, so a redelivery still counts', async () => {
    // Nothing listens on port 1: every command fails or waits, like Redis being away.
    const broken = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    broken.on('error', () => {}); // expected: connection refused, over and over
    const brokenQueues = createQueues({ connection: broken, prefix, onError: () => {} });
    const logger = pino({ level: 'silent' });
    const config = {
      appId: String(fake.appId),
      privateKey: fake.privateKey,
      webhookSecret: fake.webhookSecret,
      baseUrl: fake.baseUrl,
    };
    const down = await createGitHubApp({
      config,
      queues: brokenQueues,
      logger,
      enqueueTimeoutMs: 500,
    });
    try {
      const port = await down.listen(0, '127.0.0.1');
      const payload = examplePayload('push', {
        repository,
        installationId: repo.installationId,
        sha,
        ref: 'main',
      });
      const signed = signWebhook({ event: 'push', payload, secret: fake.webhookSecret });
      const response = await fetch(`http://127.0.0.1:${port}${WEBHOOK_PATH}`, {
        method: 'POST',
        headers: signed.headers,
        body: signed.body,
      });
      expect(response.status).toBe(500);
      const deliveryId = signed.headers['x-github-delivery']!;
      expect(await jobOf(deliveryId)).toBeUndefined();
      // GitHub's redelivery, now that Redis is back, is enqueued.
      const again = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
      expect(again.status).toBe(200);
      expect((await jobOf(deliveryId))?.deliveryId).toBe(deliveryId);
    } finally {
      await down.close();
      await brokenQueues.close();
      broken.disconnect();
    }
  });
});
