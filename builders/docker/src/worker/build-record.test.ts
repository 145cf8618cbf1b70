import { describe, expect, it } from '@jest/globals';
import type { Build } from '@slipway/core';
import type { BuildJob } from '@slipway/queue';
import { KEEP_DOCUMENT } from '@slipway/state';
import { nextBuildRecord } from './build-record.js';

const sha = 'b'.repeat(40);
const run = {
  buildId: 'b-bbbbbbb-1',
  job: {
    tenant: 'acme',
    service: 'web',
    environment: 'production',
    commit: sha,
    ref: 'refs/heads/main',
    attempt: 2,
  } as BuildJob,
};
const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

function apply(current: Build | undefined, change: Parameters<typeof nextBuildRecord>[2]): Build | undefined {
  const next = nextBuildRecord(run, current, change);
  return next === KEEP_DOCUMENT ? current : next;
}

describe('nextBuildRecord', () => {
  it('running → succeeded, keeping the first start of a retried attempt', () => {
    const running = apply(undefined, { status: 'running', at: t(1) });
    expect(running).toMatchObject({
      status: 'running',
      createdAt: t(1).toISOString(),
      startedAt: t(1).toISOString(),
      attempt: 2,
      builder: 'native',
    });
    expect(nextBuildRecord(run, running, { status: 'running', at: t(5) })).toBe(KEEP_DOCUMENT);
    const done = apply(running, { status: 'succeeded', at: t(9), releaseId: 'r-1' });
    expect(done).toMatchObject({
      status: 'succeeded',
      startedAt: t(1).toISOString(),
      finishedAt: t(9).toISOString(),
      releaseId: 'r-1',
      error: null,
    });
  });

  it('a finished build never changes again', () => {
    const failed = apply(apply(undefined, { status: 'running', at: t(1) }), {
      status: 'failed',
      at: t(2),
      error: 'boom',
    });
    expect(nextBuildRecord(run, failed, { status: 'succeeded', at: t(3), releaseId: 'r-1' })).toBe(
      KEEP_DOCUMENT,
    );
    expect(nextBuildRecord(run, failed, { status: 'running', at: t(3) })).toBe(KEEP_DOCUMENT);
  });

  it('a build cancelled or refused before it ran is created finished, never started, error only when failed', () => {
    expect(apply(undefined, { status: 'cancelled', at: t(1) })).toMatchObject({
      status: 'cancelled',
      startedAt: null,
      finishedAt: t(1).toISOString(),
      error: null,
    });
    expect(apply(undefined, { status: 'failed', at: t(1), error: 'x'.repeat(3000) })?.error).toHaveLength(
      2000,
    );
  });
});
