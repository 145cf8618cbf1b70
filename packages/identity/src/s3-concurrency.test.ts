// The races that matter, against the AWS-mode store: S3StateStore on moto, conditional writes for real.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { S3StateStore } from '@slipway/state';
import { bootstrapAdmin } from './bootstrap-admin.js';
import { dumpStore, motoBucket } from './test-stores.js';
import { TokenService } from './token-service.js';
import { UserDirectory } from './user-directory.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let bucket: Awaited<ReturnType<typeof motoBucket>>;
let storeCount = 0;

beforeAll(async () => {
  bucket = await motoBucket();
});

afterAll(async () => {
  await bucket.dispose();
});

/** A store of its own (a folder of the run's bucket) and the services over it. */
function services() {
  storeCount += 1;
  const store = new S3StateStore({
    client: bucket.client,
    bucket: bucket.bucket,
    prefix: `store-${storeCount}/`,
  });
  const users = new UserDirectory({ store });
  return { store, users, tokens: new TokenService({ store, users }) };
}

describe('identity on S3 (moto)', () => {
  it('makes one user of 10 concurrent first sign-ins of one identity', async () => {
    const { users } = services();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        users.signIn({
          provider: 'github',
          subject: '42',
          name: 'Racer',
          email: 'r@example.com',
          emailVerified: true,
        }),
      ),
    );
    expect(new Set(results.map((user) => user.id))).toEqual(new Set(['github:42']));
    expect((await users.list()).items).toHaveLength(1);
  });

  it('links concurrent first sign-ins of two providers with one verified address into one user', async () => {
    const { users } = services();
    const [a, b] = await Promise.all([
      users.signIn({
        provider: 'github',
        subject: '7',
        name: 'A',
        email: 'same@example.com',
        emailVerified: true,
      }),
      users.signIn({
        provider: 'google',
        subject: 'g7',
        name: 'A',
        email: 'same@example.com',
        emailVerified: true,
      }),
    ]);
    expect(a.id).toBe(b.id);
    expect((await users.get(a.id))?.identities).toHaveLength(2);
  });

  it('lets exactly one of 10 concurrent redeemers of a single-use join token in', async () => {
    const { tokens } = services();
    const { token } = await tokens.createJoinToken({ tenant: 'acme', createdBy: 'github:1' });
    const results = await Promise.all(Array.from({ length: 10 }, () => tokens.redeemJoinToken(token)));
    expect(results.filter((result) => result !== undefined)).toHaveLength(1);
  });

  it('lets exactly 3 of 10 concurrent redeemers of a 3-use join token in', async () => {
    const { tokens } = services();
    const { token, record } = await tokens.createJoinToken({
      tenant: 'acme',
      createdBy: 'github:1',
      uses: 3,
    });
    const results = await Promise.all(Array.from({ length: 10 }, () => tokens.redeemJoinToken(token)));
    expect(results.filter((result) => result !== undefined)).toHaveLength(3);
    expect(await tokens.getToken(record.id)).toMatchObject({ remainingUses: 0 });
  });

  it('bootstraps exactly one admin token under 10 concurrent callers, and stores no secret', async () => {
    const { store, users, tokens } = services();
    const results = await Promise.all(Array.from({ length: 10 }, () => bootstrapAdmin({ users, tokens })));
    const winners = results.filter((result) => result !== undefined);
    expect(winners).toHaveLength(1);
    expect(await tokens.authenticate(winners[0]!.token)).toMatchObject({ kind: 'user', admin: true });
    expect(await bootstrapAdmin({ users, tokens })).toBeUndefined();
    expect(await dumpStore(store)).not.toContain(winners[0]!.token.slice(-43));
  });
});
