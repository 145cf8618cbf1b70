import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from '@jest/globals';
import { cleanupDocker, testLabel, uniquePrefix } from '@slipway/devenv/testing';
import Docker from 'dockerode';
import { withEngineLock } from '../src/engine-lock.js';
import { BASE_IMAGE } from './support/web-image.js';

const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const prefix = uniquePrefix('lock');
const labels = { [testLabel]: prefix };

afterAll(async () => {
  await cleanupDocker(docker, `${testLabel}=${prefix}`);
});

describe('withEngineLock', () => {
  it('lets one caller at a time do the work; the others find it done', async () => {
    let inside = 0;
    let most = 0;
    let worked = 0;
    let result: string | undefined;
    const options = { docker, name: `${prefix}-one`, image: BASE_IMAGE, labels, pollMs: 10 };
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        withEngineLock(
          options,
          async () => result,
          async () => {
            inside++;
            most = Math.max(most, inside);
            worked++;
            await sleep(100);
            result = 'made';
            inside--;
            return result;
          },
        ),
      ),
    );
    expect(results).toEqual(['made', 'made', 'made', 'made', 'made']);
    expect(most).toBe(1);
    expect(worked).toBe(1);
    await expect(docker.getContainer(`${prefix}-one`).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('breaks a lock left by an agent that died holding it', async () => {
    const name = `${prefix}-stale`;
    await docker.createContainer({ name, Image: BASE_IMAGE, Cmd: ['slipway-lock'], Labels: labels });
    const result = await withEngineLock(
      { docker, name, image: BASE_IMAGE, labels, staleMs: 0, pollMs: 10, timeoutMs: 5_000 },
      async () => undefined,
      async () => 'done',
    );
    expect(result).toBe('done');
  });

  it('gives up with a message naming the lock when it stays held', async () => {
    const name = `${prefix}-held`;
    await docker.createContainer({ name, Image: BASE_IMAGE, Cmd: ['slipway-lock'], Labels: labels });
    await expect(
      withEngineLock(
        { docker, name, image: BASE_IMAGE, labels, timeoutMs: 100, pollMs: 20 },
        async () => undefined,
        async () => 'never',
      ),
    ).rejects.toThrow(`remove the container ${name}`);
  });
});
