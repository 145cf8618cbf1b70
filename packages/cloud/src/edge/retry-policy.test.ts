import { describe, expect, it } from '@jest/globals';
import { BackendPicker } from './backend-picker.js';
import { classifyBackendError, mayRetry } from './retry-policy.js';

describe('classifyBackendError', () => {
  it.each([
    ['ECONNREFUSED', 'connect'],
    ['EHOSTUNREACH', 'connect'],
    ['ECONNRESET', 'reset'],
    ['EPIPE', 'reset'],
    ['EDGE_BACKEND_TIMEOUT', 'timeout'],
  ])('sorts %s as %s', (code, failure) => {
    expect(classifyBackendError(Object.assign(new Error(code), { code }))).toBe(failure);
  });

  it('treats an error without a code as a reset', () => {
    expect(classifyBackendError(new Error('socket hang up'))).toBe('reset');
  });
});

describe('mayRetry', () => {
  const base = { method: 'GET', failure: 'connect', requestHasBody: false, responseStarted: false } as const;

  it('retries any method whose request never reached a backend', () => {
    expect(mayRetry(base)).toBe(true);
    expect(mayRetry({ ...base, method: 'POST' })).toBe(true);
  });

  it('retries a reset only for idempotent methods', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get'])
      expect(mayRetry({ ...base, method, failure: 'reset' })).toBe(true);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH'])
      expect(mayRetry({ ...base, method, failure: 'reset' })).toBe(false);
  });

  it('never retries once response bytes went out, a body was streamed, or the backend timed out', () => {
    expect(mayRetry({ ...base, responseStarted: true })).toBe(false);
    expect(mayRetry({ ...base, requestHasBody: true })).toBe(false);
    expect(mayRetry({ ...base, failure: 'timeout' })).toBe(false);
  });
});

describe('BackendPicker', () => {
  const route = {
    tenant: 'acme',
    service: 'web',
    environment: 'production',
    hostnames: [],
    backends: ['a', 'b', 'c'].map((id) => ({ id, address: `http://${id}:1` })),
  };

  it('goes round the backends in turn', () => {
    const picker = new BackendPicker();
    expect(Array.from({ length: 7 }, () => picker.next(route)?.id)).toEqual([
      'a',
      'b',
      'c',
      'a',
      'b',
      'c',
      'a',
    ]);
  });

  it('skips tried backends and runs out when all were tried', () => {
    const picker = new BackendPicker();
    expect(picker.next(route, new Set(['http://a:1']))?.id).toBe('b');
    expect(picker.next(route, new Set(['http://a:1', 'http://b:1', 'http://c:1']))).toBeUndefined();
    expect(picker.next({ ...route, backends: [] })).toBeUndefined();
  });
});
