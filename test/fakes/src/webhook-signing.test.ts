import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verify } from '@octokit/webhooks-methods';
import { examplePayload } from './example-payload.js';
import { sendWebhook, signWebhook } from './webhook-signing.js';

describe('signWebhook', () => {
  const secret = 'it-is-a-secret';
  const payload = { action: 'opened', number: 7, installation: { id: 100001 } };

  it('signs the exact body so @octokit/webhooks-methods verifies it', async () => {
    const { headers, body } = signWebhook({ event: 'pull_request', payload, secret });

    expect(body).toBe(JSON.stringify(payload));
    expect(headers['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await verify(secret, body, headers['x-hub-signature-256']!)).toBe(true);
    expect(await verify('another-secret', body, headers['x-hub-signature-256']!)).toBe(false);
  });

  it('sends GitHub’s delivery headers', () => {
    const { headers } = signWebhook({
      event: 'push',
      payload,
      secret,
      deliveryId: 'delivery-1',
      appId: 1001,
    });

    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': 'delivery-1',
      'x-github-hook-installation-target-id': '1001',
      'user-agent': expect.stringMatching(/^GitHub-Hookshot\//),
    });
    expect(signWebhook({ event: 'push', payload, secret }).headers['x-github-delivery']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });
});

describe('sendWebhook', () => {
  const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(202).end('accepted');
    });
  });
  let url = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('POSTs a body whose HMAC matches its signature header', async () => {
    const response = await sendWebhook(url, {
      event: 'ping',
      payload: { zen: 'Keep it logically awesome.' },
      secret: 's',
    });

    const [delivery] = received;
    expect(response).toMatchObject({ status: 202, body: 'accepted' });
    expect(delivery?.headers['x-github-delivery']).toBe(response.deliveryId);
    expect(await verify('s', delivery!.body, String(delivery?.headers['x-hub-signature-256']))).toBe(true);
  });
});

describe('examplePayload', () => {
  it('points a real push payload at the test’s repo, installation, branch and commit', () => {
    const sha = 'a'.repeat(40);

    const payload = examplePayload('push', {
      repository: { owner: 'acme', name: 'web', id: 200001 },
      installationId: 100001,
      sha,
      ref: 'main',
    });

    expect(payload).toMatchObject({
      ref: 'refs/heads/main',
      after: sha,
      head_commit: { id: sha },
      repository: {
        name: 'web',
        full_name: 'acme/web',
        id: 200001,
        default_branch: 'main',
        owner: { login: 'acme', name: 'acme' },
      },
      installation: { id: 100001 },
    });
  });

  it('picks a pull_request example by action and sets the head', () => {
    const payload = examplePayload('pull_request', {
      action: 'synchronize',
      repository: { owner: 'acme', name: 'web' },
      sha: 'b'.repeat(40),
      ref: 'feature/login',
      pullRequestNumber: 12,
    });

    expect(payload.action).toBe('synchronize');
    expect(payload.number).toBe(12);
    expect(payload.pull_request).toMatchObject({
      number: 12,
      head: { sha: 'b'.repeat(40), ref: 'feature/login', repo: { full_name: 'acme/web' } },
      base: { repo: { full_name: 'acme/web' } },
    });
  });

  it('returns a fresh copy each time and names the actions it has when asked for a missing one', () => {
    const first = examplePayload('push', { ref: 'one' });
    const second = examplePayload('push');

    expect(first.ref).toBe('refs/heads/one');
    expect(second.ref).not.toBe('refs/heads/one');
    expect(() => examplePayload('pull_request', { action: 'exploded' })).toThrow(/available: .*opened/);
  });
});
