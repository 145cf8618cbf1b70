import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

// @slipway/core does no I/O (README.md). Tests may; the library code may not.
const src = fileURLToPath(new URL('.', import.meta.url));
const libraryFiles = readdirSync(src, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
  .sort();

const FORBIDDEN = [
  /from ['"]node:/,
  /from ['"](fs|path|os|net|http|https|child_process|dgram|dns|tls|worker_threads)['"]/,
  /\bprocess\./,
  /\bfetch\(/,
  /\bDate\.now\(|new Date\(\)/,
  /\bMath\.random\(/,
];

describe('@slipway/core is pure', () => {
  it('has library files to check', () => {
    expect(libraryFiles).toContain('index.ts');
  });

  it.each(libraryFiles)('%s does no I/O and reads no clock, randomness or environment', (file) => {
    const text = readFileSync(join(src, file), 'utf8');
    expect(FORBIDDEN.filter((pattern) => pattern.test(text)).map(String)).toEqual([]);
  });
});
