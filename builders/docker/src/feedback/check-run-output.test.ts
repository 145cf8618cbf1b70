import { describe, expect, it } from '@jest/globals';
import type { Release } from '@slipway/core';
import type { BuildJob } from '@slipway/queue';
import type { BuildFeedbackTarget } from './build-feedback.js';
import {
  codeBlock,
  failedOutput,
  LOG_TAIL_LINES,
  logTailText,
  MAX_OUTPUT_CHARS,
  succeededOutput,
} from './check-run-output.js';

const sha = 'a'.repeat(40);
const target: BuildFeedbackTarget = {
  job: {
    tenant: 'acme',
    service: 'web',
    environment: 'production',
    commit: sha,
    ref: 'refs/heads/main',
  } as BuildJob,
  jobId: `acme.web.production.${sha}`,
  buildId: 'b-aaaaaaa-0',
};

describe('check run output', () => {
  it('shows the last 50 lines only', () => {
    const lines = Array.from({ length: 120 }, (_, i) => `line ${i + 1}`);
    const text = logTailText(lines);
    expect(text.startsWith(`Last ${LOG_TAIL_LINES} log lines:\n\n`)).toBe(true);
    expect(text).toContain('line 71\n');
    expect(text).not.toContain('line 70\n');
    expect(text.endsWith('line 120\n````')).toBe(false);
    expect(text.endsWith('line 120\n```')).toBe(true);
  });

  it('stays within GitHub’s 65535 characters however long the lines, keeping the newest', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `${i}:${'x'.repeat(10_000)}`);
    const text = logTailText(lines);
    expect(text.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    expect(text).toContain('49:xxx');
    const output = failedOutput(target, {
      kind: 'build',
      message: 'm'.repeat(70_000),
      step: 'Step 2/3 : RUN false',
      dockerMessage: 'd'.repeat(70_000),
      logTail: lines,
    });
    expect(output.summary.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    expect(output.text?.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    expect(output.title.length).toBeLessThanOrEqual(200);
  });

  it('fences code so backticks in the log cannot close the block early', () => {
    const block = codeBlock(['echo ```', 'done']);
    expect(block.startsWith('````text\n')).toBe(true);
    expect(block.endsWith('\n````')).toBe(true);
  });

  it('titles a failure by its kind and step', () => {
    expect(failedOutput(target, { kind: 'registry', message: 'down', logTail: [] })).toEqual({
      title: 'Registry unreachable',
      summary: 'The build of **web** at aaaaaaa for **production** failed.\n\ndown',
    });
    expect(
      failedOutput(target, { kind: 'build', message: 'fix it', step: 'Step 2/3 : RUN false', logTail: ['x'] })
        .title,
    ).toBe('Docker build failed at Step 2/3 : RUN false');
  });

  it('reports the layer cache and the previous image it came from', () => {
    const release = {
      id: 'r-aaaaaaa-1',
      service: 'web',
      commit: sha,
      image: `127.0.0.1:5000/acme/web:${sha}`,
      digest: `sha256:${'1'.repeat(64)}`,
    } as Release;
    const success = { release, durationMs: 4200, cacheHits: 2, steps: 4, built: true };
    const seeded = succeededOutput(target, {
      ...success,
      cacheFrom: {
        reference: `127.0.0.1:5000/acme/web@sha256:${'2'.repeat(64)}`,
        releaseId: 'r-bbbbbbb-2',
        commit: 'b'.repeat(40),
      },
    });
    expect(seeded.summary).toContain('| Layer cache | 2 of 4 steps from the layer cache |');
    expect(seeded.summary).toContain(
      `| Cache from | the previous image \`127.0.0.1:5000/acme/web@sha256:${'2'.repeat(64)}\` (Release \`r-bbbbbbb-2\`, commit bbbbbbb) |`,
    );
    expect(succeededOutput(target, success).summary).toContain(
      "| Cache from | no previous image; this engine's local cache only |",
    );
    expect(succeededOutput(target, { ...success, built: false }).summary).not.toContain('Cache from');
  });
});
