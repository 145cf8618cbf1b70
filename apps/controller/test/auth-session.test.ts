// Sign-in through the dashboard: it vouches for an OAuth identity with its service secret and gets
// a short-lived user token back; a verified email links a second provider to the same user.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from './support/api-harness.js';

const secret = randomBytes(32).toString('hex');
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ SLIPWAY_DASHBOARD_SECRET: secret });
});
afterAll(async () => {
  await harness.close();
});

const signIn = (body: Record<string, unknown>, token = secret) =>
  harness.call('POST', '/v1/auth/sessions', { token, body });

describe('POST /v1/auth/sessions', () => {
  it('turns a sign-in into a user token that works, and records the login', async () => {
    const response = await signIn({
      provider: 'github',
      subject: '4242',
      login: 'octo',
      name: 'Octo',
      email: 'o@example.com',
      emailVerified: true,
    });
    expect(response.status).toBe(201);
    const session = (await response.json()) as { token: string; user: { id: string } };
    expect(session.user.id).toBe('github:4242');
    const me = await harness.call('GET', '/v1/me', { token: session.token });
    expect(await me.json()).toMatchObject({
      user: { id: 'github:4242', admin: false },
      token: { admin: false },
    });
    const { items } = await harness.controller.services.audit.query({ action: 'auth.session' });
    expect(items.map((e) => ({ actor: e.actor.id, outcome: e.outcome }))).toContainEqual({
      actor: 'github:4242',
      outcome: 'success',
    });
  });

  it('links a Google sign-in with the same verified email to the same user, but not an unverified one', async () => {
    await signIn({
      provider: 'github',
      subject: '777',
      login: 'ann',
      name: 'Ann',
      email: 'ann@example.com',
      emailVerified: true,
    });
    const linked = await (
      await signIn({
        provider: 'google',
        subject: 'g-ann',
        name: 'Ann',
        email: 'ann@example.com',
        emailVerified: true,
      })
    ).json();
    expect(linked).toMatchObject({ user: { id: 'github:777' } });
    const separate = await (
      await signIn({
        provider: 'google',
        subject: 'g-eve',
        name: 'Eve',
        email: 'ann@example.com',
        emailVerified: false,
      })
    ).json();
    expect(separate).toMatchObject({ user: { id: 'google:g-eve' } });
  });

  it('refuses anyone without the dashboard secret, and bad bodies with field paths', async () => {
    expect((await signIn({ provider: 'github', subject: '1', name: 'x' }, 'not-the-secret')).status).toBe(
      401,
    );
    expect(
      (await harness.call('POST', '/v1/auth/sessions', { body: { provider: 'github', subject: '1' } }))
        .status,
    ).toBe(401);
    const bad = await signIn({ provider: 'gitlab', subject: '' });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { fields: { path: string }[] } };
    expect(body.error.fields.map((f) => f.path).sort()).toEqual(['body.provider', 'body.subject']);
  });
});
