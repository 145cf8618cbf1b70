import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { GitHubAppConfigError, githubAppConfigFromEnv } from './config.js';

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
      keyPrefix: 'slipway',
    });
    expect(config.privateKey).toContain('BEGIN RSA PRIVATE KEY');
  });

  it('names every missing variable in one error', () => {
    let error: unknown;
    // An empty folder: probot would otherwise pick up any *.pem lying in cwd.
    const empty = mkdtempSync(join(tmpdir(), 'ghapp-config-'));
    try {
      githubAppConfigFromEnv({ PORT: '3000' }, empty);
    } catch (caught) {
      error = caught;
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    expect(error).toBeInstanceOf(GitHubAppConfigError);
    expect((error as Error).message).toMatch(/APP_ID/);
    expect((error as Error).message).toMatch(/WEBHOOK_SECRET/);
    expect((error as Error).message).toMatch(/PRIVATE_KEY or PRIVATE_KEY_PATH/);
  });
});
