import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { updateEnvFile } from './update-env-file.js';

describe('updateEnvFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'env-file-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('creates the file readable by its owner only, a PEM on one quoted line', async () => {
    const path = join(dir, 'new.env');
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nabc+/=\n-----END RSA PRIVATE KEY-----\n';
    await updateEnvFile(path, { APP_ID: '7', PRIVATE_KEY: pem });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const text = await readFile(path, 'utf8');
    expect(text.split('\n')).toHaveLength(3);
    expect(parseEnv(text)).toEqual({ APP_ID: '7', PRIVATE_KEY: pem });
  });

  it('replaces the first definition, drops later ones and keeps every other line', async () => {
    const path = join(dir, 'old.env');
    await writeFile(path, '# comment\nexport APP_ID=1\nOTHER=x\nAPP_ID=2\n');
    await updateEnvFile(path, { APP_ID: '3', WEBHOOK_SECRET: 'abc' });
    expect(await readFile(path, 'utf8')).toBe('# comment\nAPP_ID=3\nOTHER=x\nWEBHOOK_SECRET=abc\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('refuses a value it cannot write back unchanged', async () => {
    await expect(updateEnvFile(join(dir, 'bad.env'), { X: 'a"b' })).rejects.toThrow(/quote/);
  });
});
