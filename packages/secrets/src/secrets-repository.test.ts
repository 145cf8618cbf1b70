import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CorruptDocumentError } from '@slipway/state';
import { InvalidSecretError, MissingSecretsError, SecretDecryptError } from './errors.js';
import { Secret } from './secret.js';
import { secretsKey } from './secrets-keys.js';
import { repositoryFixtures, revealAll } from './testing/repository-fixture.js';

const WEB = { tenant: 'acme', environment: 'production', service: 'web' };
const WORKER = { tenant: 'acme', environment: 'production', service: 'worker' };
const DATABASE_URL = 'postgres://app:Tr0ub4dor-and-3@db.internal/app';
const API_TOKEN = 'tok_live_5f1b9c0e7a2d4b8c';

const fresh = repositoryFixtures('secrets-test');

describe.each([
  ['LocalKeyCipher', false],
  ['DataKeyCipher', true],
])('SecretsRepository with %s', (_name, envelope) => {
  it('stores values encrypted: the raw document holds no plaintext, listNames no values', async () => {
    const { secrets, raw } = fresh({ envelope });
    expect(await secrets.set(WEB, 'DATABASE_URL', DATABASE_URL)).toEqual({
      name: 'DATABASE_URL',
      updatedAt: '2030-01-02T03:04:06.000Z',
    });
    await secrets.set(WEB, 'API_TOKEN', new Secret(API_TOKEN));

    const file = await raw('tenants/acme/secrets/production/web.json');
    for (const value of [DATABASE_URL, API_TOKEN]) {
      expect(file).not.toContain(value);
      expect(file).not.toContain(Buffer.from(value).toString('base64').slice(0, 16));
      expect(file).not.toContain(Buffer.from(value).toString('hex').slice(0, 16));
    }
    expect(JSON.parse(file)).toMatchObject({
      tenant: 'acme',
      environment: 'production',
      service: 'web',
      secrets: { DATABASE_URL: { envelope: { v: 1, alg: 'A256GCM', kid: 'k1' } } },
    });

    const listed = await secrets.listNames(WEB);
    expect(listed).toEqual([
      { name: 'API_TOKEN', updatedAt: '2030-01-02T03:04:07.000Z' },
      { name: 'DATABASE_URL', updatedAt: '2030-01-02T03:04:06.000Z' },
    ]);
    expect(JSON.stringify(listed)).not.toContain(DATABASE_URL);
  });

  it('reveals every secret of exactly that service', async () => {
    const { secrets } = fresh({ envelope });
    await secrets.set(WEB, 'DATABASE_URL', DATABASE_URL);
    await secrets.set(WEB, 'API_TOKEN', API_TOKEN);
    await secrets.set(WORKER, 'QUEUE_PASSWORD', 'worker-only');

    const revealed = await secrets.reveal(WEB);
    expect(Object.getPrototypeOf(revealed)).toBeNull();
    expect(revealAll(revealed)).toEqual({ DATABASE_URL, API_TOKEN });
    expect(revealAll(await secrets.reveal(WORKER))).toEqual({ QUEUE_PASSWORD: 'worker-only' });
    expect(revealAll(await secrets.reveal({ ...WEB, environment: 'staging' }))).toEqual({});
    expect(() => JSON.stringify(revealed)).toThrow(/Refusing to serialise a Secret/);
  });

  it('reveals only the referenced names, and names the missing ones', async () => {
    const { secrets } = fresh({ envelope });
    await secrets.set(WEB, 'DATABASE_URL', DATABASE_URL);
    await secrets.set(WEB, 'API_TOKEN', API_TOKEN);
    expect(revealAll(await secrets.reveal(WEB, { names: ['API_TOKEN'] }))).toEqual({ API_TOKEN });
    const missing = secrets.reveal(WEB, { names: ['API_TOKEN', 'SMTP_PASSWORD', 'S3_KEY'] });
    await expect(missing).rejects.toThrow(MissingSecretsError);
    await expect(missing).rejects.toThrow(/acme\/production\/web .*not set: SMTP_PASSWORD, S3_KEY/);
  });

  it('replaces a value, deletes one name, and removes the document with the last one', async () => {
    const { secrets, root } = fresh({ envelope });
    await secrets.set(WEB, 'API_TOKEN', 'old');
    await secrets.set(WEB, 'API_TOKEN', API_TOKEN);
    await secrets.set(WEB, 'DATABASE_URL', DATABASE_URL);
    expect(revealAll(await secrets.reveal(WEB))).toEqual({ API_TOKEN, DATABASE_URL });

    expect(await secrets.delete(WEB, 'API_TOKEN')).toBe(true);
    expect(await secrets.delete(WEB, 'API_TOKEN')).toBe(false);
    expect((await secrets.listNames(WEB)).map((listing) => listing.name)).toEqual(['DATABASE_URL']);
    expect(await secrets.delete(WEB, 'DATABASE_URL')).toBe(true);
    await expect(stat(join(root, secretsKey(WEB)))).rejects.toThrow(/ENOENT/);
    expect(await secrets.listNames(WEB)).toEqual([]);
    expect(await secrets.delete(WEB, 'DATABASE_URL')).toBe(false);
  });

  it('deleteAll removes every secret of the service and nothing else', async () => {
    const { secrets } = fresh({ envelope });
    await secrets.set(WEB, 'API_TOKEN', API_TOKEN);
    await secrets.set(WORKER, 'API_TOKEN', API_TOKEN);
    await secrets.deleteAll(WEB);
    await secrets.deleteAll(WEB);
    expect(await secrets.listNames(WEB)).toEqual([]);
    expect((await secrets.listNames(WORKER)).map((listing) => listing.name)).toEqual(['API_TOKEN']);
  });

  it('loses no write when many secrets are set at once (conditional writes, retried)', async () => {
    const { secrets } = fresh({ envelope });
    const names = Array.from({ length: 20 }, (_, index) => `VAR_${index}`);
    await Promise.all(names.map((name) => secrets.set(WEB, name, `value-${name}`)));
    const revealed = revealAll(await secrets.reveal(WEB));
    expect(Object.keys(revealed).sort()).toEqual([...names].sort());
    for (const name of names) expect(revealed[name]).toBe(`value-${name}`);
  });
});

describe('SecretsRepository input rules', () => {
  it.each([
    ['a name with a dash', 'API-TOKEN', 'x', /Invalid secret name "API-TOKEN"/],
    ['a name starting with a digit', '1TOKEN', 'x', /environment variable name/],
    ['a 257-character name', `A${'B'.repeat(256)}`, 'x', /257 characters long; the limit is 256/],
    ['__proto__', '__proto__', 'x', /reserved/],
    ['a value over 64 KiB', 'BIG', `s3cr3t${'x'.repeat(64 * 1024)}`, /65542 bytes; the limit is 65536/],
    ['a NUL in the value', 'NUL', 's3cr3t\0x', /NUL character/],
  ])('refuses %s with a clear error and writes nothing', async (_what, name, value, message) => {
    const { secrets, root } = fresh();
    const attempt = secrets.set(WEB, name, value);
    await expect(attempt).rejects.toThrow(InvalidSecretError);
    await expect(attempt).rejects.toThrow(message);
    await expect(attempt).rejects.not.toThrow(/s3cr3t/);
    await expect(stat(join(root, secretsKey(WEB)))).rejects.toThrow(/ENOENT/);
  });

  it('accepts a value of exactly 64 KiB and a name of 256 characters', async () => {
    const { secrets } = fresh();
    const name = `A${'B'.repeat(255)}`;
    await secrets.set(WEB, name, 'x'.repeat(64 * 1024));
    expect((await secrets.reveal(WEB))[name]?.reveal()).toHaveLength(64 * 1024);
  });

  it('refuses service refs that are not DNS labels', async () => {
    const { secrets } = fresh();
    await expect(secrets.set({ ...WEB, tenant: '../evil' }, 'A', 'x')).rejects.toThrow(
      /Invalid tenant "..\/evil"/,
    );
    await expect(secrets.listNames({ ...WEB, service: 'Web' })).rejects.toThrow(InvalidSecretError);
  });
});

describe('SecretsRepository against misplaced documents', () => {
  it('treats a document copied under another service’s key as corrupt', async () => {
    const { secrets, raw, plant } = fresh();
    await secrets.set(WEB, 'API_TOKEN', API_TOKEN);
    await plant(secretsKey(WORKER), await raw(secretsKey(WEB)));
    await expect(secrets.reveal(WORKER)).rejects.toThrow(CorruptDocumentError);
  });

  it('refuses to decrypt values moved to another tenant even when the ids are rewritten to match', async () => {
    const { secrets, raw, plant } = fresh();
    await secrets.set(WEB, 'API_TOKEN', API_TOKEN);
    const evil = { ...WEB, tenant: 'evil' };
    const moved = { ...JSON.parse(await raw(secretsKey(WEB))), tenant: 'evil' };
    await plant(secretsKey(evil), JSON.stringify(moved));
    expect((await secrets.listNames(evil)).map((listing) => listing.name)).toEqual(['API_TOKEN']);
    const attempt = secrets.reveal(evil);
    await expect(attempt).rejects.toThrow(SecretDecryptError);
    await expect(attempt).rejects.toThrow(/API_TOKEN of evil\/production\/web .*authentication failed/);
  });
});
