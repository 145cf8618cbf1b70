// The README's API table must name every route, so the reference never falls behind the code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { routeTable } from '../src/routes/index.js';

describe('the README API reference', () => {
  it('lists every route of the route table', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
    const missing = routeTable
      .map((r) => `${r.method} ${r.url}`)
      .filter((line) => !readme.includes(`\`${line}\``));
    expect(missing).toEqual([]);
  });
});
