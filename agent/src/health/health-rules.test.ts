import { describe, expect, it } from '@jest/globals';
import { type CheckResult, checkedState, recordCheck, uncheckedHealth } from './health-rules.js';

const pass: CheckResult = { ok: true };
const fail: CheckResult = { ok: false, error: 'GET / answered HTTP 500' };
const at = '2026-01-01T00:00:00.000Z';

/** The state after each check of `results`, from a container's first check on. */
function statesAfter(results: readonly CheckResult[], threshold?: number): string[] {
  let record = uncheckedHealth();
  return results.map((result) => {
    record = recordCheck(record, result, at);
    return checkedState(record, threshold);
  });
}

describe('checkedState', () => {
  it('is starting before the first check', () => {
    expect(checkedState(uncheckedHealth())).toBe('starting');
  });

  it.each([
    ['one pass: running', [pass], ['running']],
    ['never passes: starting, however often it fails', [fail, fail, fail, fail], Array(4).fill('starting')],
    ['fails, then passes: running', [fail, fail, pass], ['starting', 'starting', 'running']],
    [
      'passed, then fails: unhealthy at the third failure in a row',
      [pass, fail, fail, fail, fail],
      ['running', 'running', 'running', 'unhealthy', 'unhealthy'],
    ],
    [
      'a pass in between starts the count again',
      [pass, fail, fail, pass, fail, fail],
      ['running', 'running', 'running', 'running', 'running', 'running'],
    ],
    [
      'unhealthy, then one pass: running again',
      [pass, fail, fail, fail, pass],
      ['running', 'running', 'running', 'unhealthy', 'running'],
    ],
  ] as const)('%s', (_, results, states) => {
    expect(statesAfter(results)).toEqual(states);
  });

  it.each([
    [1, ['running', 'unhealthy']],
    [2, ['running', 'running']],
  ] as const)('honours a failure threshold of %i', (threshold, states) => {
    expect(statesAfter([pass, fail], threshold)).toEqual(states);
  });
});

describe('recordCheck', () => {
  it('counts failures in a row with the last error, and a pass clears them', () => {
    const failedTwice = recordCheck(
      recordCheck(uncheckedHealth(), fail, at),
      fail,
      '2026-01-01T00:00:05.000Z',
    );
    expect(failedTwice).toEqual({
      status: 'failing',
      consecutiveFailures: 2,
      lastCheckAt: '2026-01-01T00:00:05.000Z',
      lastError: 'GET / answered HTTP 500',
      passedOnce: false,
    });
    expect(recordCheck(failedTwice, pass, at)).toEqual({
      status: 'passing',
      consecutiveFailures: 0,
      lastCheckAt: at,
      lastError: null,
      passedOnce: true,
    });
  });
});
