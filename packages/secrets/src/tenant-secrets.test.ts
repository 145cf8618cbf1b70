// Tenant secrets: the same repository, a scope of its own. They must never mix with a service's
// secrets — not by key, not by document, not by ciphertext — and service-scope ciphertexts made
// before tenant secrets existed must still decrypt.
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CorruptDocumentError } from '@slipway/state';
import { seal } from './aes-gcm.js';
import { envelopeOf } from './cipher-support.js';
import { InvalidSecretError, MissingSecretsError, SecretDecryptError } from './errors.js';
import { LocalKeyCipher } from './local-key-cipher.js';
import { encryptionContextOf, secretAad } from './secret-context.js';
import { type ServiceRef, tenantRef } from './secret-scope.js';
import { secretsKey } from './secrets-keys.js';
import { repositoryFixtures, revealAll } from './testing/repository-fixture.js';

const ACME = tenantRef('acme');
const WEB: ServiceRef = { tenant: 'acme', environment: 'production', service: 'web' };
const TOKEN = 'circle-tok-8c1f0e2d9b7a';
const HOOK = 'whsec-3a9d77e1c2b4';

const fresh = repositoryFixtures('tenant-secrets-test');

describe.each([
  ['LocalKeyCipher', false],
  ['DataKeyCipher', true],
])('tenant secrets with %s', (_name, envelope) => {
  it('sets, lists, reveals and deletes in tenants/<tenant>/secrets/tenant.json, encrypted', async () => {
    const { secrets, raw, root } = fresh({ envelope });
    expect(secretsKey(ACME)).toBe('tenants/acme/secrets/tenant.json');
    expect(await secrets.set(ACME, 'CIRCLECI_TOKEN', TOKEN)).toEqual({
      name: 'CIRCLECI_TOKEN',
      updatedAt: '2030-01-02T03:04:06.000Z',
    });
    await secrets.set(ACME, 'CIRCLECI_WEBHOOK_SECRET', HOOK);

    const stored = JSON.parse(await raw('tenants/acme/secrets/tenant.json'));
    expect(stored).toMatchObject({ scope: 'tenant', tenant: 'acme' });
    expect(stored).not.toHaveProperty('environment');
    for (const value of [TOKEN, HOOK]) expect(JSON.stringify(stored)).not.toContain(value);

    expect(await secrets.listNames(ACME)).toEqual([
      { name: 'CIRCLECI_TOKEN', updatedAt: '2030-01-02T03:04:06.000Z' },
      { name: 'CIRCLECI_WEBHOOK_SECRET', updatedAt: '2030-01-02T03:04:07.000Z' },
    ]);
    const revealed = await secrets.reveal(ACME, { names: ['CIRCLECI_TOKEN'] });
    expect(Object.getPrototypeOf(revealed)).toBeNull();
    expect(revealAll(revealed)).toEqual({ CIRCLECI_TOKEN: TOKEN });

    expect(await secrets.delete(ACME, 'CIRCLECI_TOKEN')).toBe(true);
    expect(await secrets.delete(ACME, 'CIRCLECI_TOKEN')).toBe(false);
    expect(revealAll(await secrets.reveal(ACME))).toEqual({ CIRCLECI_WEBHOOK_SECRET: HOOK });
    expect(await secrets.delete(ACME, 'CIRCLECI_WEBHOOK_SECRET')).toBe(true);
    await expect(stat(join(root, secretsKey(ACME)))).rejects.toThrow(/ENOENT/);
    expect(await secrets.listNames(ACME)).toEqual([]);
  });

  it('names unset tenant secrets and says how to set them', async () => {
    const { secrets } = fresh({ envelope });
    await secrets.set(ACME, 'CIRCLECI_WEBHOOK_SECRET', HOOK);
    const attempt = secrets.reveal(ACME, { names: ['CIRCLECI_TOKEN', 'CIRCLECI_WEBHOOK_SECRET'] });
    await expect(attempt).rejects.toThrow(MissingSecretsError);
    await expect(attempt).rejects.toMatchObject({ names: ['CIRCLECI_TOKEN'], scope: ACME });
    await expect(attempt).rejects.toThrow(
      'Tenant acme has no tenant secrets named CIRCLECI_TOKEN. An owner of the tenant sets them with PUT /v1/tenants/acme/secrets/<NAME>.',
    );
  });

  it('keeps tenant and service secrets apart, even under the same name', async () => {
    const { secrets } = fresh({ envelope });
    await secrets.set(ACME, 'API_TOKEN', TOKEN);
    await secrets.set(WEB, 'API_TOKEN', 'service-value');
    await secrets.set(WEB, 'DATABASE_URL', 'postgres://db/app');

    expect(revealAll(await secrets.reveal(WEB))).toEqual({
      API_TOKEN: 'service-value',
      DATABASE_URL: 'postgres://db/app',
    });
    expect(revealAll(await secrets.reveal(ACME))).toEqual({ API_TOKEN: TOKEN });
    await expect(secrets.reveal(ACME, { names: ['DATABASE_URL'] })).rejects.toThrow(MissingSecretsError);
    await secrets.set(ACME, 'CIRCLECI_TOKEN', TOKEN);
    await expect(secrets.reveal(WEB, { names: ['CIRCLECI_TOKEN'] })).rejects.toThrow(
      /acme\/production\/web references secrets that are not set: CIRCLECI_TOKEN/,
    );

    // Deleting the service's secrets (service deletion) leaves the tenant's.
    await secrets.deleteAll(WEB);
    expect((await secrets.listNames(ACME)).map((listing) => listing.name)).toEqual([
      'API_TOKEN',
      'CIRCLECI_TOKEN',
    ]);
    expect(await secrets.delete(WEB, 'CIRCLECI_TOKEN')).toBe(false);
  });

  it('refuses to decrypt a tenant ciphertext moved into a service document', async () => {
    const { secrets, raw, plant } = fresh({ envelope });
    await secrets.set(ACME, 'CIRCLECI_TOKEN', TOKEN);
    await secrets.set(WEB, 'OTHER', 'x');
    const service = JSON.parse(await raw(secretsKey(WEB)));
    const tenant = JSON.parse(await raw(secretsKey(ACME)));
    service.secrets.CIRCLECI_TOKEN = tenant.secrets.CIRCLECI_TOKEN;
    await plant(secretsKey(WEB), JSON.stringify(service));

    expect((await secrets.listNames(WEB)).map((listing) => listing.name)).toEqual([
      'CIRCLECI_TOKEN',
      'OTHER',
    ]);
    const attempt = secrets.reveal(WEB, { names: ['CIRCLECI_TOKEN'] });
    await expect(attempt).rejects.toThrow(SecretDecryptError);
    await expect(attempt).rejects.toThrow(/CIRCLECI_TOKEN of acme\/production\/web .*authentication failed/);
    await expect(attempt).rejects.not.toThrow(TOKEN);
  });

  it('refuses to decrypt a service ciphertext moved into the tenant document', async () => {
    const { secrets, raw, plant } = fresh({ envelope });
    await secrets.set(WEB, 'DATABASE_URL', 'postgres://db/app');
    await secrets.set(ACME, 'CIRCLECI_TOKEN', TOKEN);
    const tenant = JSON.parse(await raw(secretsKey(ACME)));
    tenant.secrets.DATABASE_URL = JSON.parse(await raw(secretsKey(WEB))).secrets.DATABASE_URL;
    await plant(secretsKey(ACME), JSON.stringify(tenant));

    const attempt = secrets.reveal(ACME, { names: ['DATABASE_URL'] });
    await expect(attempt).rejects.toThrow(SecretDecryptError);
    await expect(attempt).rejects.toThrow(/DATABASE_URL of tenant acme .*authentication failed/);
  });
});

describe('tenant secret documents and refs', () => {
  it('treats a tenant document planted at a service key, or the reverse, as corrupt', async () => {
    const { secrets, raw, plant } = fresh();
    await secrets.set(ACME, 'CIRCLECI_TOKEN', TOKEN);
    await secrets.set(WEB, 'DATABASE_URL', 'postgres://db/app');
    const tenant = JSON.parse(await raw(secretsKey(ACME)));
    const service = JSON.parse(await raw(secretsKey(WEB)));
    await plant(secretsKey({ ...WEB, service: 'worker' }), JSON.stringify(tenant));
    await expect(secrets.reveal({ ...WEB, service: 'worker' })).rejects.toThrow(CorruptDocumentError);
    await plant(secretsKey(tenantRef('globex')), JSON.stringify({ ...service, tenant: 'globex' }));
    await expect(secrets.listNames(tenantRef('globex'))).rejects.toThrow(CorruptDocumentError);
  });

  it('reads a ref without the scope tag as a service ref, and refuses it', async () => {
    const { secrets } = fresh();
    const untagged = { tenant: 'acme' } as unknown as ServiceRef;
    await expect(secrets.set(untagged, 'CIRCLECI_TOKEN', TOKEN)).rejects.toThrow(/Invalid environment/);
    await expect(secrets.reveal(untagged)).rejects.toThrow(InvalidSecretError);
    await expect(secrets.listNames(tenantRef('../evil'))).rejects.toThrow(/Invalid tenant "..\/evil"/);
  });

  it('applies the service name and value rules', async () => {
    const { secrets } = fresh();
    await expect(secrets.set(ACME, 'CIRCLECI-TOKEN', 'x')).rejects.toThrow(/Invalid secret name/);
    await expect(secrets.set(ACME, 'BIG', 'x'.repeat(64 * 1024 + 1))).rejects.toThrow(/limit is 65536/);
    await expect(secrets.delete(ACME, '__proto__')).rejects.toThrow(/reserved/);
  });
});

describe('the additional authenticated data', () => {
  it('is unchanged for service secrets, so values stored before tenant secrets still decrypt', async () => {
    const context = { ...WEB, name: 'DATABASE_URL' };
    const formatOne = Buffer.from(
      JSON.stringify(['slipway.secret', 1, 'acme', 'production', 'web', 'DATABASE_URL']),
      'utf8',
    );
    expect(secretAad(context)).toEqual(formatOne);
    expect(encryptionContextOf(context)).toEqual({
      purpose: 'slipway.secret',
      tenant: 'acme',
      environment: 'production',
      service: 'web',
      name: 'DATABASE_URL',
    });
    // A value sealed the way format 1 always did decrypts through today's cipher.
    const key = randomBytes(32);
    const old = envelopeOf('k1', seal(key, Buffer.from('postgres://db/app'), formatOne));
    const cipher = new LocalKeyCipher({ activeKeyId: 'k1', keys: { k1: key } });
    expect((await cipher.decrypt(old, context)).reveal()).toBe('postgres://db/app');
  });

  it('differs for tenant secrets, in the AAD and in the KMS encryption context', () => {
    const tenant = { ...ACME, name: 'CIRCLECI_TOKEN' };
    expect(JSON.parse(secretAad(tenant).toString('utf8'))).toEqual([
      'slipway.tenant-secret',
      1,
      'acme',
      'CIRCLECI_TOKEN',
    ]);
    expect(encryptionContextOf(tenant)).toEqual({
      purpose: 'slipway.tenant-secret',
      tenant: 'acme',
      name: 'CIRCLECI_TOKEN',
    });
  });
});
