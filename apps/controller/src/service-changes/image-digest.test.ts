import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { LocalRegistry } from '@slipway/cloud';
import { pino } from 'pino';
import { resolveImageDigest } from './image-digest.js';

const lines: string[] = [];
const logger = pino(
  new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  }),
);
const digest = `sha256:${'ab'.repeat(32)}`;
const platformRegistries = ['127.0.0.1:5000'];

describe('resolveImageDigest', () => {
  it('takes the digest a reference pins, from any registry', async () => {
    await expect(
      resolveImageDigest({
        registry: undefined,
        platformRegistries,
        image: `ghcr.io/acme/web@${digest}`,
        tenant: 'acme',
        logger,
      }),
    ).resolves.toBe(digest);
  });

  it('asks nobody about images outside the platform registry', async () => {
    const unreachable = new LocalRegistry({ address: '127.0.0.1:1', timeoutMs: 500 });
    for (const image of ['nginx:1.27', 'ghcr.io/acme/web:2', 'localhost:5000/acme/web:1']) {
      await expect(
        resolveImageDigest({ registry: unreachable, platformRegistries, image, tenant: 'acme', logger }),
      ).resolves.toBeNull();
    }
    expect(lines).toEqual([]);
  });

  it('is null for a platform image that is missing (tag latest by default) or when the registry is down', async () => {
    const registry = new LocalRegistry({ address: '127.0.0.1:5000' });
    await expect(
      resolveImageDigest({
        registry,
        platformRegistries,
        image: '127.0.0.1:5000/no-such-tenant-x/web',
        tenant: 'acme',
        logger,
      }),
    ).resolves.toBeNull();
    const down = new LocalRegistry({ address: '127.0.0.1:1', timeoutMs: 500 });
    await expect(
      resolveImageDigest({
        registry: down,
        platformRegistries: ['127.0.0.1:1'],
        image: '127.0.0.1:1/acme/web:1',
        tenant: 'acme',
        logger,
      }),
    ).resolves.toBeNull();
    expect(lines.join('')).toContain('could not ask the platform registry');
  });
});
