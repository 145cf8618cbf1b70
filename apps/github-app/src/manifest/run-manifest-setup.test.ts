import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { examplePayload, type FakeGitHub, signWebhook, startFakeGitHub } from '@slipway/fakes';
import { FsStateStore, Installations } from '@slipway/state';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { githubAppConfigFromEnv } from '../config.js';
import { WEBHOOK_PATH } from '../create-github-app.js';
import { startGitHubApp } from '../start-github-app.js';
import { APP_EVENTS, APP_PERMISSIONS } from './app-manifest.js';
import { type ManifestSetup, runManifestSetup, SETUP_CALLBACK_PATH } from './run-manifest-setup.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const unescapeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The form on the setup page: where it posts, and the manifest it carries. */
async function readForm(setup: ManifestSetup) {
  const page = await (await fetch(setup.url)).text();
  const action = unescapeHtml(/<form action="([^"]+)" method="post">/.exec(page)?.[1] ?? '');
  const manifest = unescapeHtml(/name="manifest" value="([^"]+)"/.exec(page)?.[1] ?? '');
  return { action, manifest };
}

describe('app-manifest registration against the fake GitHub', () => {
  const logger = pino({ level: 'silent' });
  let fake: FakeGitHub;
  let dir: string;

  beforeAll(async () => {
    // A fake of its own: registering gives its app a new private key.
    fake = await startFakeGitHub();
    dir = await mkdtemp(join(tmpdir(), 'manifest-setup-'));
  });
  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('registers the app, writes the credentials 0600 beside other settings, and they work', async () => {
    const envFile = join(dir, '.env');
    await writeFile(envFile, '# mine\nKEEP_ME=1\nAPP_ID=999\n', { mode: 0o644 });
    const setup = await runManifestSetup({ port: 0, envFile, githubUrl: fake.url, logger });
    try {
      const { action, manifest } = await readForm(setup);
      expect(action).toMatch(new RegExp(`^${fake.url}/settings/apps/new\\?state=[0-9a-f]{48}$`));
      const sent = JSON.parse(manifest);
      expect(sent).toMatchObject({
        hook_attributes: { url: `http://127.0.0.1:${setup.port}${WEBHOOK_PATH}`, active: true },
        redirect_url: `http://127.0.0.1:${setup.port}${SETUP_CALLBACK_PATH}`,
        public: false,
        default_permissions: APP_PERMISSIONS,
        default_events: [...APP_EVENTS],
      });

      // The browser posts the form; GitHub creates the app and sends it back with a code.
      const created = await fetch(action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ manifest }).toString(),
        redirect: 'manual',
      });
      expect(created.status).toBe(302);
      const callback = new URL(created.headers.get('location')!);
      expect(callback.pathname).toBe(SETUP_CALLBACK_PATH);

      // A callback with another state (a forged link) writes nothing.
      const forged = new URL(callback);
      forged.searchParams.set('state', 'f'.repeat(48));
      expect((await fetch(forged)).status).toBe(400);
      expect(await readFile(envFile, 'utf8')).toBe('# mine\nKEEP_ME=1\nAPP_ID=999\n');

      const done = await fetch(callback);
      expect(done.status).toBe(200);
      expect(await done.text()).toMatch(/Restart Slipway/);
      await expect(setup.registered).resolves.toMatchObject({ appId: fake.appId, envFile });

      expect((await stat(envFile)).mode & 0o777).toBe(0o600);
      const text = await readFile(envFile, 'utf8');
      expect(text.startsWith('# mine\nKEEP_ME=1\nAPP_ID=1001\n')).toBe(true);
      const env = parseEnv(text);
      expect(Object.keys(env).sort()).toEqual(
        [
          'APP_ID',
          'GHE_HOST',
          'GHE_PROTOCOL',
          'GITHUB_CLIENT_ID',
          'GITHUB_CLIENT_SECRET',
          'KEEP_ME',
          'PRIVATE_KEY',
          'WEBHOOK_SECRET',
        ].sort(),
      );
      expect(env.PRIVATE_KEY).toContain('-----BEGIN RSA PRIVATE KEY-----\n');
      expect(fake.callsTo('POST', /^\/app-manifests\/[0-9a-f]+\/conversions$/)).toHaveLength(1);

      // The file as written starts the app against the GitHub that registered it.
      await expectCredentialsWork(fake, env, dir);
    } finally {
      await setup.close();
      await setup.close(); // idempotent
    }
  });

  it('says so when GitHub refuses the code (used, expired)', async () => {
    const setup = await runManifestSetup({
      port: 0,
      envFile: join(dir, 'unused.env'),
      githubUrl: fake.url,
      logger,
    });
    try {
      const { action } = await readForm(setup);
      const state = new URL(action).searchParams.get('state')!;
      const response = await fetch(
        `${setup.url.replace(/\/$/, '')}${SETUP_CALLBACK_PATH}?code=0123abcd&state=${state}`,
      );
      expect(response.status).toBe(502);
      expect(await response.text()).toMatch(/works once, within an hour/);
      await expect(stat(join(dir, 'unused.env'))).rejects.toThrow(/ENOENT/);
    } finally {
      await setup.close();
    }
  });
});

/** Starts the app from the written variables and has it call GitHub as the new app (its JWT). */
async function expectCredentialsWork(fake: FakeGitHub, written: NodeJS.Dict<string>, dir: string) {
  const prefix = uniquePrefix('manifest');
  const config = githubAppConfigFromEnv(
    {
      ...written,
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl,
      SLIPWAY_REDIS_PREFIX: prefix,
      SLIPWAY_DATA_DIR: dir,
    },
    dir,
  );
  const app = await startGitHubApp({ config, logger: pino({ level: 'silent' }) });
  const redis = new Redis(redisUrl);
  try {
    const { id } = fake.addInstallation({ account: 'initech', accountType: 'Organization' });
    const payload = examplePayload('installation', { action: 'created', installationId: id });
    const signed = signWebhook({ event: 'installation', payload, secret: written.WEBHOOK_SECRET! });
    const url = `http://127.0.0.1:${app.port}${WEBHOOK_PATH}`;
    const response = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
    expect(response.status).toBe(200);
    const store = new FsStateStore({ root: join(dir, 'state') });
    const installations = new Installations({ store });
    let record: Awaited<ReturnType<Installations['get']>>;
    for (let i = 0; i < 200 && !record; i++) {
      record = await installations.get(id);
      if (!record) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // Recording it took GET /app/installations/{id} with a JWT signed by the new key.
    expect(record).toMatchObject({ installationId: id, account: { login: 'initech' } });
    await store.close();
  } finally {
    await app.close();
    await cleanupRedis(redis, prefix);
    await redis.quit();
  }
}
