import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { specHash } from '@slipway/core';
import { cleanupDocker, testLabel, uniquePrefix } from '@slipway/devenv/testing';
import Docker from 'dockerode';
import { executeActions, LABELS, observeHost, tenantNetworkName } from '../src/index.js';
import { getWhenUp } from './support/http.js';
import { testPolicy, webSpec } from './support/specs.js';
import { makeWebImage, WEB_PORT } from './support/web-image.js';

const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const prefix = uniquePrefix('agent');
const tenant = prefix;
const hostId = `${prefix}-h1`;
const labels = { [testLabel]: prefix };
const policy = testPolicy(tenant);
let image = '';

const run = (actions: Parameters<typeof executeActions>[0]['actions'], id = hostId) =>
  executeActions({
    docker,
    hostId: id,
    actions,
    policy,
    platformRegistries: ['127.0.0.1:5000'],
    labels,
    stopTimeoutSeconds: 1,
  });

beforeAll(async () => {
  image = await makeWebImage({ docker, prefix, body: `page of ${prefix}` });
});

afterAll(async () => {
  await cleanupDocker(docker, `${testLabel}=${prefix}`);
});

describe('executeActions with the real engine', () => {
  it('creates and starts a container with its labels, limits, env, restart policy and tenant network', async () => {
    const spec = webSpec({ allocation: `${prefix}-a1`, tenant, image });
    const [outcome] = await run([{ kind: 'create', allocation: spec.allocation, spec }]);
    expect(outcome).toMatchObject({ ok: true, kind: 'create', allocation: spec.allocation });
    if (!outcome?.ok) throw new Error('create failed');

    const info = await docker.getContainer(outcome.containerId).inspect();
    expect(info.State.Running).toBe(true);
    expect(info.Config.Labels).toMatchObject({
      [LABELS.host]: hostId,
      [LABELS.tenant]: tenant,
      [LABELS.service]: 'web',
      [LABELS.environment]: 'production',
      [LABELS.release]: 'r-1',
      [LABELS.allocation]: spec.allocation,
      [LABELS.spec]: specHash(spec),
    });
    expect(info.HostConfig.NanoCpus).toBe(250_000_000);
    expect(info.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(info.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    expect(info.Config.Env).toEqual(expect.arrayContaining(['GREETING=hello', `PORT=${WEB_PORT}`]));
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([tenantNetworkName(tenant)]);

    const [observed] = await observeHost({ docker, tenant, hostId });
    expect(observed).toMatchObject({
      allocation: spec.allocation,
      containerId: outcome.containerId,
      state: 'running',
      specHash: specHash(spec),
      tenant,
      service: 'web',
      release: 'r-1',
      exitCode: 0,
      stateMessage: '',
    });
    // Published on an ephemeral host port, where the edge reaches it.
    expect(observed?.hostPort).toBeGreaterThan(0);
    expect(await getWhenUp(`http://127.0.0.1:${observed?.hostPort}/`)).toBe(`page of ${prefix}\n`);

    const network = await docker.getNetwork(tenantNetworkName(tenant)).inspect();
    expect(network.Driver).toBe('bridge');
    expect(network.Labels).toMatchObject({ [LABELS.tenant]: tenant });
  });

  it('stops, starts and removes by action; repeating an action is harmless', async () => {
    const spec = webSpec({ allocation: `${prefix}-a2`, tenant, image });
    const [created] = await run([{ kind: 'create', allocation: spec.allocation, spec }]);
    if (!created?.ok) throw new Error(`create failed: ${JSON.stringify(created)}`);
    const target = { allocation: spec.allocation, containerId: created.containerId };
    const stateOf = async () =>
      (await observeHost({ docker, tenant, hostId })).find((c) => c.allocation === spec.allocation)?.state;

    expect(await run([{ kind: 'stop', ...target, reason: 'test' }])).toEqual([
      { ok: true, kind: 'stop', ...target },
    ]);
    expect(await stateOf()).toBe('exited');
    expect(await run([{ kind: 'stop', ...target, reason: 'again' }])).toEqual([
      { ok: true, kind: 'stop', ...target, note: 'already stopped' },
    ]);

    expect(await run([{ kind: 'start', ...target }])).toEqual([{ ok: true, kind: 'start', ...target }]);
    expect(await stateOf()).toBe('running');

    // Remove stops gracefully first, then removes; the second remove finds nothing to do.
    const outcomes = await run([
      { kind: 'remove', ...target, reason: 'no longer desired' },
      { kind: 'remove', ...target, reason: 'again' },
    ]);
    expect(outcomes).toEqual([
      { ok: true, kind: 'remove', ...target },
      { ok: true, kind: 'remove', ...target, note: 'already gone' },
    ]);
    expect(await stateOf()).toBeUndefined();
  });

  it('refuses a privileged spec the policy forbids, with the policy’s reason, and creates nothing', async () => {
    const spec = webSpec({ allocation: `${prefix}-priv`, tenant, image, privileged: true });
    const [outcome] = await run([{ kind: 'create', allocation: spec.allocation, spec }]);
    expect(outcome).toMatchObject({ ok: false, kind: 'create', code: 'POLICY_DENIED' });
    if (outcome?.ok !== false) throw new Error('expected a refusal');
    expect(outcome.denials).toEqual([
      expect.objectContaining({ policy: 'permissions.privileged', requested: true }),
    ]);
    expect(outcome.error).toContain('privileged containers are not allowed (permissions.privileged = false)');
    const found = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`${LABELS.allocation}=${spec.allocation}`] }),
    });
    expect(found).toEqual([]);
  });

  it('refuses a spec of another tenant on this tenant’s host', async () => {
    const spec = webSpec({ allocation: `${prefix}-other`, tenant: `${prefix}-x`, image });
    const [outcome] = await run([{ kind: 'create', allocation: spec.allocation, spec }]);
    expect(outcome).toMatchObject({ ok: false, code: 'POLICY_DENIED' });
  });

  it('reports a failed pull as that allocation’s error while the rest of the batch runs', async () => {
    const missing = webSpec({
      allocation: `${prefix}-missing`,
      tenant,
      image: `127.0.0.1:5000/${prefix}/nothing:here`,
    });
    const good = webSpec({ allocation: `${prefix}-a3`, tenant, image });
    const [pulled, created] = await run([
      { kind: 'create', allocation: missing.allocation, spec: missing },
      { kind: 'create', allocation: good.allocation, spec: good },
    ]);
    expect(pulled).toMatchObject({
      ok: false,
      kind: 'create',
      allocation: missing.allocation,
      code: 'PULL_FAILED',
    });
    if (pulled?.ok !== false) throw new Error('expected a failed pull');
    expect(pulled.error).toContain(`Pulling 127.0.0.1:5000/${prefix}/nothing:here failed`);
    expect(created).toMatchObject({ ok: true, allocation: good.allocation });
  });

  it('hands each pull the credentials credentialsFor gives for the image', async () => {
    const asked: string[] = [];
    const spec = webSpec({
      allocation: `${prefix}-creds`,
      tenant,
      image: `127.0.0.1:5000/${prefix}/absent:x`,
    });
    const [outcome] = await executeActions({
      docker,
      hostId,
      policy,
      platformRegistries: ['127.0.0.1:5000'],
      labels,
      actions: [{ kind: 'create', allocation: spec.allocation, spec }],
      credentialsFor: async (wanted) => {
        asked.push(wanted);
        return { serveraddress: '127.0.0.1:5000', username: 'agent', password: 'short-lived' };
      },
    });
    expect(asked).toEqual([spec.image]);
    expect(outcome).toMatchObject({ ok: false, code: 'PULL_FAILED' });
    expect(JSON.stringify(outcome)).not.toContain('short-lived');
  });

  it('injects fetched secrets into that container only, and refuses a spec whose secrets cannot be had', async () => {
    const spec = webSpec({ allocation: `${prefix}-sec`, tenant, image, secrets: ['API_KEY'] });
    const asked: string[] = [];
    const [created] = await executeActions({
      docker,
      hostId,
      policy,
      labels,
      actions: [{ kind: 'create', allocation: spec.allocation, spec }],
      secretsFor: async (wanted) => {
        asked.push(wanted.allocation);
        return { API_KEY: 's3cret-value' };
      },
    });
    if (!created?.ok) throw new Error(`create failed: ${JSON.stringify(created)}`);
    expect(asked).toEqual([spec.allocation]);
    expect((await docker.getContainer(created.containerId).inspect()).Config.Env).toContain(
      'API_KEY=s3cret-value',
    );

    const without = webSpec({ allocation: `${prefix}-sec2`, tenant, image, secrets: ['API_KEY'] });
    const [refused] = await run([{ kind: 'create', allocation: without.allocation, spec: without }]);
    expect(refused).toMatchObject({ ok: false, code: 'SECRETS_UNAVAILABLE' });
  });

  it('leaves another host’s container alone', async () => {
    const spec = webSpec({ allocation: `${prefix}-a4`, tenant, image });
    const [created] = await run([{ kind: 'create', allocation: spec.allocation, spec }]);
    if (!created?.ok) throw new Error('create failed');
    const [outcome] = await run(
      [{ kind: 'remove', allocation: spec.allocation, containerId: created.containerId, reason: 'test' }],
      `${prefix}-h2`,
    );
    expect(outcome).toMatchObject({ ok: false, code: 'NOT_MANAGED' });
    expect((await docker.getContainer(created.containerId).inspect()).State.Running).toBe(true);
    expect(await observeHost({ docker, tenant, hostId: `${prefix}-h2` })).toEqual([]);
  });
});

describe('the tenant network', () => {
  it('is created once when several agents of the tenant create containers at the same time', async () => {
    const raceTenant = `${prefix}-race`;
    const hosts = [1, 2, 3].map((n) => `${prefix}-race-h${n}`);
    const outcomes = await Promise.all(
      hosts.map((id) => {
        const spec = webSpec({ allocation: `${id}-a`, tenant: raceTenant, image });
        return executeActions({
          docker,
          hostId: id,
          policy: testPolicy(raceTenant),
          labels,
          actions: [{ kind: 'create', allocation: spec.allocation, spec }],
        });
      }),
    );
    expect(outcomes.flat().filter((outcome) => !outcome.ok)).toEqual([]);
    expect(outcomes.flat()).toHaveLength(3);
    const networks = await docker.listNetworks({
      filters: JSON.stringify({ name: [tenantNetworkName(raceTenant)] }),
    });
    expect(networks.filter((n) => n.Name === tenantNetworkName(raceTenant))).toHaveLength(1);
    // The engine-wide lock that made it so is released.
    const locks = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`${LABELS.tenant}=${raceTenant}`, 'io.slipway.lock'] }),
    });
    expect(locks).toEqual([]);
  });

  it('is never one that Slipway did not make for the tenant', async () => {
    const squatted = `${prefix}-sq`;
    await docker.createNetwork({ Name: tenantNetworkName(squatted), Driver: 'bridge', Labels: labels });
    const spec = webSpec({ allocation: `${prefix}-sq-a`, tenant: squatted, image });
    const [outcome] = await executeActions({
      docker,
      hostId,
      policy: testPolicy(squatted),
      labels,
      actions: [{ kind: 'create', allocation: spec.allocation, spec }],
    });
    expect(outcome).toMatchObject({ ok: false, code: 'NETWORK_FAILED' });
    if (outcome?.ok !== false) throw new Error('expected a refusal');
    expect(outcome.error).toContain(`remove it so the agent can create it`);
  });
});

describe('adoption after an agent restart', () => {
  it('a fresh observeHost with the same host id sees the running containers, not restarted', async () => {
    const adoptHost = `${prefix}-h3`;
    const spec = webSpec({ allocation: `${prefix}-adopt`, tenant, image, release: 'r-2' });
    const [created] = await run([{ kind: 'create', allocation: spec.allocation, spec }], adoptHost);
    if (!created?.ok) throw new Error('create failed');
    const before = await docker.getContainer(created.containerId).inspect();

    // The "restarted" agent: new client objects, the same host id, nothing remembered.
    const restarted = new Docker({ socketPath: '/var/run/docker.sock' });
    const observed = await observeHost({ docker: restarted, tenant, hostId: adoptHost });
    expect(observed).toEqual([
      expect.objectContaining({
        allocation: spec.allocation,
        containerId: created.containerId,
        state: 'running',
        specHash: specHash(spec),
        release: 'r-2',
        restartCount: 0,
        startedAt: before.State.StartedAt,
      }),
    ]);
    const after = await restarted.getContainer(created.containerId).inspect();
    expect(after.State.StartedAt).toBe(before.State.StartedAt);
    expect(after.State.Pid).toBe(before.State.Pid);
  });
});
