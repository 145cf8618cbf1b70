import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll } from '@jest/globals';
import { FsStateStore } from '@slipway/state';
import { DataKeyCipher } from '../data-key-cipher.js';
import { LocalDataKeyProvider } from '../local-data-key-provider.js';
import { LocalKeyCipher } from '../local-key-cipher.js';
import type { Secret } from '../secret.js';
import { SecretsRepository } from '../secrets-repository.js';

/**
 * Fresh secrets repositories for the package's tests, each over its own filesystem store in one
 * temp folder (removed by `close`), with a key of its own and a clock one second per read.
 * `envelope` picks the data-key cipher (KMS's shape) instead of the local key cipher.
 */
export async function openRepositoryFixtures(label: string) {
  const base = await mkdtemp(join(tmpdir(), `slipway-${label}-`));
  let count = 0;
  return {
    fresh(options: { envelope?: boolean } = {}) {
      count += 1;
      const root = join(base, `store-${count}`);
      const store = new FsStateStore({ root, durable: false });
      const keyring = { activeKeyId: 'k1', keys: { k1: randomBytes(32) } };
      const cipher = options.envelope
        ? new DataKeyCipher({ provider: new LocalDataKeyProvider(keyring) })
        : new LocalKeyCipher(keyring);
      let clock = Date.parse('2030-01-02T03:04:05.000Z');
      const now = () => {
        clock += 1000;
        return new Date(clock);
      };
      const secrets = new SecretsRepository({ store, cipher, now });
      /** A stored document's text, as the store wrote it. */
      const raw = (key: string) => readFile(join(root, key), 'utf8');
      /** Writes `body` at `key` behind the repository's back (a tampered or planted document). */
      const plant = async (key: string, body: string) => {
        await mkdir(dirname(join(root, key)), { recursive: true });
        await writeFile(join(root, key), body);
      };
      return { store, secrets, raw, plant, root };
    },
    close: () => rm(base, { recursive: true, force: true }),
  };
}

/**
 * {@link openRepositoryFixtures} for one test file: opened before its tests, removed after them.
 *
 * @example const fresh = repositoryFixtures('secrets-test'); … const { secrets, raw } = fresh({ envelope });
 */
export function repositoryFixtures(label: string) {
  let fixtures: Awaited<ReturnType<typeof openRepositoryFixtures>> | undefined;
  beforeAll(async () => {
    fixtures = await openRepositoryFixtures(label);
  });
  afterAll(async () => {
    await fixtures?.close();
  });
  return (options: { envelope?: boolean } = {}) => {
    if (!fixtures) throw new Error('repositoryFixtures: used outside a test');
    return fixtures.fresh(options);
  };
}

/** The plaintexts of revealed secrets, for assertions. */
export function revealAll(record: Record<string, Secret>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([name, secret]) => [name, secret.reveal()]));
}
