// An in-process controller (local mode, its own data folder, real Redis) for the agent's tests,
// with the few things they do as the leader or an owner: a tenant, join tokens, desired documents.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  type Controller,
  controllerConfigFromEnv,
  createBackends,
  createController,
  createControllerLogger,
  desiredKey,
  type HostObservedAllocation,
  writeDesired,
} from '@slipway/controller';
import type { AllocationSpec } from '@slipway/core';
import { Redis } from 'ioredis';

export interface TestController {
  controller: Controller;
  url: string;
  logs: string[];
  /** Writes the host's desired document as the leader would (conditional, fenced, published). */
  setDesired(host: string, allocations: readonly AllocationSpec[]): Promise<void>;
  /** The host's last heartbeat and observed allocations, from Redis. */
  liveState(host: string): Promise<{
    lastHeartbeat: string | null;
    observed: HostObservedAllocation[] | null;
  }>;
  joinToken(): Promise<string>;
  /** Stops the API (agents then find it unreachable). Idempotent. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestController(options: {
  tenant: string;
  redisUrl: string;
  redisPrefix: string;
}): Promise<TestController> {
  const { tenant, redisUrl, redisPrefix } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'slipway-agent-ctl-'));
  const config = controllerConfigFromEnv(
    {
      SLIPWAY_DATA_DIR: dataDir,
      SLIPWAY_SECRETS_KEY: randomBytes(32).toString('base64'),
      REDIS_URL: redisUrl,
      SLIPWAY_REDIS_PREFIX: redisPrefix,
      SLIPWAY_RATE_LIMIT_PER_MINUTE: '100000',
      LOG_LEVEL: 'debug',
    },
    dataDir,
  );
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const controller = await createController({
    config,
    backends: createBackends(config),
    logger: createControllerLogger({ level: 'debug' }, sink),
  });
  const url = await controller.app.listen({ host: '127.0.0.1', port: 0 });
  const redis = new Redis(redisUrl);
  const { services } = controller;
  const owner = await services.users.signIn({
    provider: 'github',
    subject: `agent-test-${randomBytes(4).toString('hex')}`,
    login: 'agent-test',
    name: 'agent test',
    email: `agent-test-${randomBytes(4).toString('hex')}@example.com`,
    emailVerified: true,
  });
  await services.repos.tenants.create({
    id: tenant,
    name: tenant,
    members: [{ user: owner.id, role: 'owner' }],
    githubInstallations: [],
    createdAt: new Date().toISOString(),
  });
  const fence = { family: `${redisPrefix}-scheduler`, epoch: 1 };
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= controller.stop();
    return stopped;
  };
  return {
    controller,
    url,
    logs,
    setDesired: async (host, allocations) => {
      const current = await services.hosts.desired.get(desiredKey(tenant, host));
      await writeDesired({
        repository: services.hosts.desired,
        redis,
        prefix: redisPrefix,
        document: { tenant, host, allocations: allocations.map((spec) => ({ ...spec })) },
        expectedEtag: current?.etag ?? null,
        fence,
      });
    },
    liveState: async (host) => {
      const status = services.hosts.status;
      if (!status) throw new Error('the test controller has no Redis');
      const [state] = await status.read(tenant, [host]);
      return state ?? { lastHeartbeat: null, observed: null };
    },
    joinToken: async () =>
      (await services.tokens.createJoinToken({ tenant, createdBy: owner.id, uses: 1, now: Date.now() }))
        .token,
    stop,
    close: async () => {
      await stop();
      redis.disconnect();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Calls `check` until it stops throwing (a loop needs a moment), failing after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
