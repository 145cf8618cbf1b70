import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AllocationSpec } from '@slipway/core';
import { cleanupDocker, testLabel, uniquePrefix } from '@slipway/devenv/testing';
import Docker from 'dockerode';
import { executeActions, type ObservedAllocation, observeHost } from '../src/index.js';
import { execIn } from './support/exec-in.js';
import { testPolicy, webSpec } from './support/specs.js';
import { makeWebImage, WEB_PORT } from './support/web-image.js';

const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const prefix = uniquePrefix('iso');
const tenantA = `${prefix}-a`;
const tenantB = `${prefix}-b`;
const labels = { [testLabel]: prefix };
const containers = new Map<string, ObservedAllocation>();

async function place(tenant: string, hostId: string, specs: AllocationSpec[]): Promise<void> {
  const outcomes = await executeActions({
    docker,
    hostId,
    policy: testPolicy(tenant),
    labels,
    actions: specs.map((spec) => ({ kind: 'create' as const, allocation: spec.allocation, spec })),
  });
  const failed = outcomes.filter((outcome) => !outcome.ok);
  if (failed.length > 0) throw new Error(`creates failed: ${JSON.stringify(failed)}`);
  for (const observed of await observeHost({ docker, tenant, hostId }))
    containers.set(observed.allocation, observed);
}

function ipOf(allocation: string): string {
  const ip = containers.get(allocation)?.ipAddress;
  if (!ip) throw new Error(`${allocation} has no address`);
  return ip;
}

// An HTTP GET over a raw TCP connection (busybox nc, 2 s timeout): the static busybox's wget
// segfaults (exit 139) in this image, which would make a "cannot connect" look like a pass.
// The address and port go in as arguments, not into the script text.
const httpGet = (from: string, to: string) =>
  execIn(docker, containers.get(from)?.containerId ?? from, [
    'sh',
    '-c',
    'printf "GET / HTTP/1.0\r\n\r\n" | busybox nc -w 2 "$0" "$1"',
    ipOf(to),
    String(WEB_PORT),
  ]);

beforeAll(async () => {
  const image = await makeWebImage({ docker, prefix, body: 'inside' });
  // Two simulated hosts (one per tenant) on one engine, as local mode runs them.
  await place(tenantA, `${prefix}-ha`, [
    webSpec({ allocation: 'a1', tenant: tenantA, image }),
    webSpec({ allocation: 'a2', tenant: tenantA, image, slot: 1 }),
  ]);
  await place(tenantB, `${prefix}-hb`, [webSpec({ allocation: 'b1', tenant: tenantB, image })]);
});

afterAll(async () => {
  await cleanupDocker(docker, `${testLabel}=${prefix}`);
});

describe('network isolation between tenants on one engine', () => {
  it('lets containers of one tenant reach each other', async () => {
    const result = await httpGet('a1', 'a2');
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('inside');
  });

  it('keeps tenant A from opening a TCP connection to tenant B, and B from A', async () => {
    const aToB = await httpGet('a1', 'b1');
    expect(aToB.exitCode).not.toBe(0);
    expect(aToB.output).not.toContain('inside');
    const bToA = await httpGet('b1', 'a1');
    expect(bToA.exitCode).not.toBe(0);
  });

  it('attaches each container to its tenant network only', async () => {
    for (const name of ['a1', 'a2', 'b1']) {
      const info = await docker.getContainer(containers.get(name)?.containerId ?? '').inspect();
      const tenant = name.startsWith('a') ? tenantA : tenantB;
      expect(Object.keys(info.NetworkSettings.Networks)).toEqual([`slipway-${tenant}`]);
    }
  });
});
