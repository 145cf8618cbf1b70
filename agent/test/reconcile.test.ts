import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AllocationSpec, diffHost, specHash } from '@slipway/core';
import { cleanupDocker, testLabel, uniquePrefix } from '@slipway/devenv/testing';
import Docker from 'dockerode';
import { executeActions, observeHost } from '../src/index.js';
import { testPolicy, webSpec } from './support/specs.js';
import { makeWebImage } from './support/web-image.js';

// The agent's loop as the controller will drive it: observe → core's diffHost → executeActions.
const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const prefix = uniquePrefix('rec');
const tenant = prefix;
const hostId = `${prefix}-h1`;
const labels = { [testLabel]: prefix };
let image = '';

async function reconcile(desired: AllocationSpec[], client = docker) {
  const actions = diffHost(desired, await observeHost({ docker: client, tenant, hostId }));
  const outcomes = await executeActions({
    docker: client,
    hostId,
    actions,
    policy: testPolicy(tenant),
    labels,
    stopTimeoutSeconds: 1,
  });
  expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([]);
  return actions.map((action) => `${action.kind} ${action.allocation}`);
}

const byAllocation = async () =>
  Object.fromEntries((await observeHost({ docker, tenant, hostId })).map((c) => [c.allocation, c]));

beforeAll(async () => {
  image = await makeWebImage({ docker, prefix, body: 'reconciled' });
});

afterAll(async () => {
  await cleanupDocker(docker, `${testLabel}=${prefix}`);
});

describe('reconciling a host with diffHost and executeActions', () => {
  const first = () => webSpec({ allocation: 'a1', tenant, image });
  const second = () => webSpec({ allocation: 'a2', tenant, image, slot: 1 });

  it('creates what is desired, then finds nothing to do', async () => {
    expect(await reconcile([first(), second()])).toEqual(['create a1', 'create a2']);
    const observed = await byAllocation();
    expect(observed.a1).toMatchObject({ state: 'running', specHash: specHash(first()) });
    expect(observed.a2).toMatchObject({ state: 'running', specHash: specHash(second()) });
    expect(await reconcile([first(), second()])).toEqual([]);
  });

  it('adopts its running containers after a restart: same host id, nothing to do, nothing restarted', async () => {
    const before = await byAllocation();
    const restarted = new Docker({ socketPath: '/var/run/docker.sock' });
    expect(await reconcile([first(), second()], restarted)).toEqual([]);
    const after = await byAllocation();
    expect(after.a1?.containerId).toBe(before.a1?.containerId);
    expect(after.a1?.startedAt).toBe(before.a1?.startedAt);
    expect(after.a2?.startedAt).toBe(before.a2?.startedAt);
  });

  it('starts a container that stopped, without replacing it', async () => {
    const { a1 } = await byAllocation();
    await docker.getContainer(a1?.containerId ?? '').stop({ t: 1 });
    expect(await reconcile([first(), second()])).toEqual(['start a1']);
    const after = await byAllocation();
    expect(after.a1).toMatchObject({ containerId: a1?.containerId, state: 'running' });
  });

  it('replaces a container whose spec changed and leaves the other running', async () => {
    const before = await byAllocation();
    const changed = { ...first(), release: 'r-2' };
    expect(await reconcile([changed, second()])).toEqual(['stop a1', 'remove a1', 'create a1']);
    const after = await byAllocation();
    expect(after.a1).toMatchObject({ state: 'running', release: 'r-2', specHash: specHash(changed) });
    expect(after.a1?.containerId).not.toBe(before.a1?.containerId);
    expect(after.a2?.containerId).toBe(before.a2?.containerId);
  });

  it('removes what is no longer desired, down to nothing', async () => {
    const changed = { ...first(), release: 'r-2' };
    expect(await reconcile([changed])).toEqual(['stop a2', 'remove a2']);
    expect(Object.keys(await byAllocation())).toEqual(['a1']);
    expect(await reconcile([])).toEqual(['stop a1', 'remove a1']);
    expect(await observeHost({ docker, tenant, hostId })).toEqual([]);
  });
});
