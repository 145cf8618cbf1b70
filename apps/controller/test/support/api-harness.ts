// An in-process controller (local mode, its own data folder) listening on a port of its own, plus
// helpers to make users, tenants and tokens directly through its services.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { MemberRole } from '@slipway/core';
import { createBackends } from '../../src/backends.js';
import { controllerConfigFromEnv } from '../../src/config.js';
import { type Controller, type ControllerOptions, createController } from '../../src/controller.js';
import { createControllerLogger } from '../../src/logger.js';

export interface Harness {
  controller: Controller;
  url: string;
  /** The controller's data folder (its state is under `state/`). */
  dataDir: string;
  /** Every log line the controller wrote (its logger is at debug level). */
  logs: string[];
  /** Moves the API's clock (token expiry). */
  clock: { now: number };
  call(method: string, path: string, options?: { token?: string; body?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

export async function startHarness(
  env: Record<string, string> = {},
  options: Pick<ControllerOptions, 'buildLogs' | 'hosts' | 'scheduler' | 'edge' | 'awsEdge'> = {},
): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'slipway-api-'));
  const config = controllerConfigFromEnv(
    {
      SLIPWAY_DATA_DIR: dataDir,
      SLIPWAY_SECRETS_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'debug',
      ...env,
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
  const clock = { now: Date.now() };
  const controller = await createController({
    config,
    backends: createBackends(config),
    logger: createControllerLogger({ level: 'debug' }, sink),
    now: () => clock.now,
    ...options,
  });
  const url = await controller.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    controller,
    url,
    dataDir,
    logs,
    clock,
    call: (method, path, options = {}) =>
      fetch(`${url}${path}`, {
        method,
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      }),
    close: async () => {
      await controller.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A user who signed in with GitHub. */
export async function makeUser(
  harness: Harness,
  login: string,
  options: { admin?: boolean; githubId?: number } = {},
) {
  const { users } = harness.controller.services;
  let user = await users.signIn({
    provider: 'github',
    subject:
      options.githubId !== undefined
        ? String(options.githubId)
        : `${login}-${randomBytes(4).toString('hex')}`,
    login,
    name: login,
    email: `${login}-${randomBytes(4).toString('hex')}@example.com`,
    emailVerified: true,
  });
  if (options.admin) user = await users.setAdmin(user.id, true);
  return user;
}

/** A tenant with the given members. */
export async function makeTenant(
  harness: Harness,
  id: string,
  members: { user: string; role: MemberRole }[],
) {
  const tenant = {
    id,
    name: id,
    members,
    githubInstallations: [],
    createdAt: new Date(harness.clock.now).toISOString(),
  };
  await harness.controller.services.repos.tenants.create(tenant);
  return tenant;
}

/** A tenant-scoped API token (or an admin token) for `user`. */
export async function makeToken(
  harness: Harness,
  user: string,
  scope: { tenant: string; role: MemberRole } | { admin: true },
  options: { expiresAt?: number } = {},
) {
  const now = harness.clock.now;
  const { token, record } = await harness.controller.services.tokens.createApiToken({
    user,
    name: 'test',
    ...scope,
    expiresAt: options.expiresAt ?? now + 86_400_000,
    now,
  });
  return { token, id: record.id };
}
