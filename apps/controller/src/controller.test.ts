import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { createBackends } from './backends.js';
import { controllerConfigFromEnv } from './config.js';
import { type Controller, createController } from './controller.js';
import { type LeaderRecord, leaderRecordKey } from './leadership/leader-record.js';
import type { LeaderView } from './routes/system.js';

const dataDir = mkdtempSync(join(tmpdir(), 'slipway-controller-'));
const controllers: Controller[] = [];
afterAll(async () => {
  await Promise.all(controllers.map((c) => c.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

async function localController(loops: Parameters<typeof createController>[0]['loops'] = []) {
  const config = controllerConfigFromEnv({ SLIPWAY_DATA_DIR: dataDir, SLIPWAY_LEASE_TTL_MS: '500' }, dataDir);
  const backends = createBackends(config);
  const controller = await createController({ config, backends, logger: pino({ level: 'silent' }), loops });
  controllers.push(controller);
  controller.start();
  for (let i = 0; i < 100 && !controller.elector.isLeader(); i++) await sleep(10);
  // Over a real socket: jest's module loader cannot run light-my-request (fastify.inject) on Node 20.
  const url = await controller.app.listen({ host: '127.0.0.1', port: 0 });
  const get = (path: string) => fetch(`${url}${path}`);
  return { controller, config, backends, get };
}

describe('a local-mode controller', () => {
  it('leads alone, records its term with its fence, and reports it at /v1/leader', async () => {
    const { config, backends, get } = await localController();
    const view = (await (await get('/v1/leader')).json()) as LeaderView;
    expect(view.self).toEqual({ id: config.controllerId, leading: true });
    expect(view.leader).toMatchObject({ id: config.controllerId, epoch: 1 });
    let record: LeaderRecord | undefined;
    for (let i = 0; i < 500 && !record; i++) {
      record = (await backends.store.get(leaderRecordKey))?.value as LeaderRecord | undefined;
      if (!record) await sleep(10);
    }
    expect(record).toMatchObject({ owner: config.controllerId, epoch: 1 });
    await expect(
      backends.store.put(leaderRecordKey, { stale: true }, { fence: { family: config.leaseName, epoch: 0 } }),
    ).rejects.toMatchObject({ name: 'FencedError' });
  });

  it('serves /healthz and Prometheus metrics, with the leader gauge at 1', async () => {
    const { get } = await localController();
    expect(await (await get('/healthz')).json()).toMatchObject({ status: 'ok' });
    const metrics = await get('/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await metrics.text();
    expect(body).toMatch(/^slipway_controller_leading\{[^}]*\} 1$/m);
    expect(body).toMatch(/^process_cpu_seconds_total/m);
  });

  it('runs a failing leader loop again, and stops its loops the moment it is stopped', async () => {
    let runs = 0;
    let aborted = false;
    const { controller, get } = await localController([
      {
        name: 'flaky',
        async run({ signal }) {
          runs += 1;
          if (runs === 1) throw new Error('first run fails');
          await new Promise<void>((resolve) =>
            signal.addEventListener('abort', () => resolve(), { once: true }),
          );
          aborted = true;
        },
      },
    ]);
    for (let i = 0; i < 300 && runs < 2; i++) await sleep(10);
    expect(runs).toBe(2);
    await controller.stop();
    expect(aborted).toBe(true);
    await expect(get('/healthz')).rejects.toThrow(); // the API is closed too
  });
});
