import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { SecretKeyConfigError } from './errors.js';
import { loadSecretsKey } from './load-secrets-key.js';

const folders: string[] = [];
const folder = () => {
  const made = mkdtempSync(join(tmpdir(), 'slipway-secrets-key-'));
  folders.push(made);
  return made;
};

afterEach(() => {
  for (const made of folders.splice(0)) rmSync(made, { recursive: true, force: true });
});

describe('loadSecretsKey', () => {
  it('uses the configured key in either mode', () => {
    const key = randomBytes(32);
    for (const mode of ['local', 'aws'] as const)
      expect(loadSecretsKey({ secretsKey: key.toString('base64'), mode, dataDir: folder() })).toEqual(key);
  });

  it('refuses AWS mode without a configured key, naming the variable', () => {
    expect(() => loadSecretsKey({ secretsKey: undefined, mode: 'aws', dataDir: folder() })).toThrow(
      SecretKeyConfigError,
    );
    expect(() => loadSecretsKey({ secretsKey: undefined, mode: 'aws', dataDir: folder() })).toThrow(
      /SLIPWAY_SECRETS_KEY is required in AWS mode/,
    );
  });

  it('makes a local key once (mode 0600, in a folder it creates) and every later load reads the same one', () => {
    const dataDir = join(folder(), 'not-yet');
    const first = loadSecretsKey({ secretsKey: undefined, mode: 'local', dataDir });
    const file = join(dataDir, 'secrets.key');
    expect(first).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toEqual(first);
    expect(loadSecretsKey({ secretsKey: undefined, mode: 'local', dataDir })).toEqual(first);
  });

  it('reads a key another process wrote, and names the file when it is not a key', () => {
    const dataDir = folder();
    const key = randomBytes(32);
    writeFileSync(join(dataDir, 'secrets.key'), `${key.toString('hex')}\n`);
    expect(loadSecretsKey({ secretsKey: undefined, mode: 'local', dataDir })).toEqual(key);
    writeFileSync(join(dataDir, 'secrets.key'), 'not a key\n');
    expect(() => loadSecretsKey({ secretsKey: undefined, mode: 'local', dataDir })).toThrow(
      new RegExp(`${join(dataDir, 'secrets.key')} must be 32 random bytes`),
    );
  });
});
