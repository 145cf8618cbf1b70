import { describe, expect, it } from '@jest/globals';
import { examplePayload } from '@slipway/fakes';
import { webhookEventJobSchema } from '@slipway/queue';
import { toWebhookEventJob } from './to-webhook-event-job.js';

const at = new Date('2026-01-02T03:04:05.000Z');
const repository = { owner: 'acme', name: 'web', id: 77 };
const sha = 'd'.repeat(40);

describe('toWebhookEventJob', () => {
  it('keeps the few fields of a push, and nothing of the user data', () => {
    const payload = examplePayload('push', { repository, installationId: 9, sha, ref: 'main' });
    const result = toWebhookEventJob({ id: 'abc-1', name: 'push', payload }, at);
    expect(result).toEqual({
      ok: true,
      job: {
        deliveryId: 'abc-1',
        event: 'push',
        installationId: 9,
        repository: { id: 77, fullName: 'acme/web' },
        subset: expect.objectContaining({ ref: 'refs/heads/main', sha, deleted: false }),
        receivedAt: '2026-01-02T03:04:05.000Z',
      },
    });
    if (!result.ok) return;
    expect(webhookEventJobSchema.parse(result.job)).toEqual(result.job);
    expect(JSON.stringify(result.job)).not.toMatch(/commits|email|message/);
  });

  it('takes the head of a pull request, and counts a null merged as not merged', () => {
    const payload = examplePayload('pull_request', {
      action: 'opened',
      repository,
      installationId: 9,
      sha,
      ref: 'feature/x',
      pullRequestNumber: 12,
    }) as unknown as { pull_request: Record<string, unknown> };
    payload.pull_request.merged = null;
    const result = toWebhookEventJob({ id: 'abc-2', name: 'pull_request', payload }, at);
    expect(result).toMatchObject({
      ok: true,
      job: {
        action: 'opened',
        subset: { ref: 'feature/x', sha, pullRequest: { number: 12, merged: false } },
      },
    });
  });

  it('takes the check run of a re-run request, without a head branch when GitHub sends null', () => {
    const payload = examplePayload('check_run', {
      action: 'rerequested',
      repository,
      installationId: 9,
      sha,
    }) as unknown as { check_run: { check_suite: Record<string, unknown> } };
    payload.check_run.check_suite.head_branch = null;
    const result = toWebhookEventJob({ id: 'abc-3', name: 'check_run', payload }, at);
    expect(result).toMatchObject({
      ok: true,
      job: { subset: { sha, checkRun: { id: expect.any(Number) } } },
    });
    expect(result.ok && result.job.subset.ref).toBeUndefined();
  });

  it('lists the repositories of an installation', () => {
    const payload = examplePayload('installation', { action: 'created', installationId: 9 });
    const result = toWebhookEventJob({ id: 'abc-4', name: 'installation', payload }, at);
    expect(result.ok && result.job.repository).toBeUndefined();
    expect(result.ok && result.job.subset.repositoriesAdded?.[0]).toEqual({
      id: expect.any(Number),
      fullName: expect.stringContaining('/'),
    });
  });

  it('refuses, naming why: no installation, a field of the wrong type, a delivery id that is not one', () => {
    const push = examplePayload('push', { repository, installationId: 9, sha, ref: 'main' });
    const without = { ...push, installation: undefined };
    expect(toWebhookEventJob({ id: 'a', name: 'push', payload: without }, at)).toEqual({
      ok: false,
      reason: 'no installation in the payload (not an app delivery?)',
    });
    const wrong = { ...push, repository: { ...push.repository, id: '77' } };
    expect(toWebhookEventJob({ id: 'a', name: 'push', payload: wrong }, at)).toEqual({
      ok: false,
      reason: 'unexpected payload shape: repository.id: Invalid input: expected number, received string',
    });
    expect(toWebhookEventJob({ id: 'a', name: 'push', payload: 'text' }, at)).toMatchObject({ ok: false });
    expect(toWebhookEventJob({ id: 'a b', name: 'push', payload: push }, at)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^X-GitHub-Delivery is not a delivery id/),
    });
  });
});
