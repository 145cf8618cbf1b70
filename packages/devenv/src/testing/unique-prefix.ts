import { randomBytes } from 'node:crypto';

/**
 * A short DNS-label-safe name unique to this test run, e.g. `t-m3x9k2-a1b2c3`. Use it for
 * tenant ids, queue names, Redis key prefixes, bucket and table names, and the test label on
 * Docker objects, so parallel and repeated runs never meet each other's leftovers.
 */
export function uniquePrefix(label = 't'): string {
  return `${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
