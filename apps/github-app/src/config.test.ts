import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { GitHubAppConfigError, githubAppConfigFromEnv, needsAppRegistration } from './config.js';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs1',
  format: 'pem',
}) as string;

describe('githubAppConfigFromEnv', () => {
  it("reads probot's variables, with GitHub Enterprise as the base URL", () => {
    const config = githubAppConfigFromEnv(
      {
        APP_ID: '123',
        PRIVATE_KEY: pem,
        WEBHOOK_SECRET: 's',
        GHE_HOST: '127.0.0.1:9999',
        GHE_PROTOCOL: 'http',
      },
      tmpdir(),
    );
    expect(config).toMatchObject({
      appId: '123',
      webhookSecret: 's',
      baseUrl: 'http://127.0.0.1:9999/api/v3',
      port: 3000,
      host: '0.0.0.0',
      keyPrefix: 'slipway',
      // The controller's state store: local mode by default, in <cwd>/.slipway/state.
      state: { mode: 'local', root: join(tmpdir(), '.slipway', 'state') },
    });
    expect(config.privateKey).toContain('BEGIN RSA PRIVATE KEY');
  });

  it('names every missing variable in one error', () => {
    let error: unknown;
    // An empty folder: probot would otherwise pick up any *.pem lying in cwd.
    const empty = mkdtempSync(join(tmpdir(), 'ghapp-config-'));
    try {
      githubAppConfigFromEnv({ PORT: '3000', SLIPWAY_MODE: 'cloud' }, empty);
    } catch (caught) {
      error = caught;
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    expect(error).toBeInstanceOf(GitHubAppConfigError);
    expect((error as Error).message).toMatch(/APP_ID/);
    expect((error as Error).message).toMatch(/WEBHOOK_SECRET/);
    expect((error as Error).message).toMatch(/PRIVATE_KEY or PRIVATE_KEY_PATH/);
    expect((error as Error).message).toMatch(/SLIPWAY_MODE/);
  });

  it('asks for registration only when no app is configured at all', () => {
    expect(needsAppRegistration({})).toBe(true);
    expect(needsAppRegistration({ APP_ID: '123' })).toBe(false);
  });
});
