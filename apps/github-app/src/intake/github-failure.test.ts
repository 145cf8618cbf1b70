import { describe, expect, it } from '@jest/globals';
import { UnrecoverableError } from 'bullmq';
import { classifyFailure } from './github-failure.js';

const httpError = (status: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${status}`), { status, response: { headers } });

describe('classifyFailure', () => {
  it('passes transient failures through, so BullMQ retries them', () => {
    for (const error of [httpError(502), httpError(429), httpError(403, { 'x-ratelimit-remaining': '0' })]) {
      expect(classifyFailure(error, 'x')).toBe(error);
    }
    const network = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(classifyFailure(network, 'x')).toBe(network);
  });

  it('fails client errors and invalid data at once, saying what to check', () => {
    const forbidden = classifyFailure(httpError(403), 'delivery d-1 (push)');
    expect(forbidden).toBeInstanceOf(UnrecoverableError);
    expect(forbidden.message).toMatch(/GitHub 403.*permissions/);
    const invalid = Object.assign(new Error('bad'), { name: 'ZodError' });
    expect(classifyFailure(invalid, 'x')).toBeInstanceOf(UnrecoverableError);
  });
});
