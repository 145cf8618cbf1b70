// Shared jest settings: ESM + @swc/jest (transpile only; `npm run typecheck` checks types).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const here = import.meta.dirname;

// Tests make and delete thousands of throwaway folders (state stores, git repos, build contexts).
// On a disk mounted with `discard` every unlink costs milliseconds; on tmpfs the same suites run
// about three times faster. Jest's workers inherit this, and so do the processes tests start.
if (!process.env.TMPDIR && existsSync('/dev/shm')) process.env.TMPDIR = '/dev/shm';

/**
 * @param {string} dir the package folder (import.meta.dirname of its jest.config.js)
 * @param {{ services?: boolean }} [options] services: start Redis, dockerd, registry, moto first
 */
export function preset(dir, options = {}) {
  return {
    displayName: dir.slice(here.length + 1),
    rootDir: dir,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts', '.tsx'],
    transform: {
      '^.+\\.(t|j)sx?$': [
        '@swc/jest',
        { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2023' }, module: { type: 'es6' } },
      ],
    },
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/.next/'],
    ...(options.services ? { globalSetup: resolve(here, 'packages/devenv/jest-global-setup.mjs') } : {}),
    testEnvironmentOptions: { globalsCleanup: 'off' },
    testTimeout: 60_000,
  };
}
