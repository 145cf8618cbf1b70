import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EdgeNetwork, TenantEdgeInput } from '@slipway/core';
import { uniquePrefix } from '@slipway/devenv/testing';
import { AwsEdge } from './aws-edge.js';
import { createEdgeClients } from './edge-clients.js';
import {
  createHostedZone,
  deleteHostedZone,
  listTenantEdgeResources,
  motoDefaultNetwork,
} from './moto-fixtures.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5001';
const connection = {
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
};
const inspect = createEdgeClients(connection);
const edgeClients = createEdgeClients(connection);
const tenant = uniquePrefix('throttled');
const deployment = uniquePrefix('edge');
let hostedZoneId = '';
let network: EdgeNetwork;
let edge: AwsEdge;

/**
 * moto never throttles, so AWS's answer is stood in for below the SDK's retry middleware: the
 * first two attempts of each listed command fail as ELBv2's `Throttling` does. Attempts are
 * counted there too, beside the edge's own once-per-call count.
 */
const throttled = new Set([
  'DescribeLoadBalancersCommand',
  'CreateTargetGroupCommand',
  'RegisterTargetsCommand',
]);
const attempts: Record<string, number> = {};
edgeClients.elb.middlewareStack.add(
  (next, context) => async (args) => {
    const name = context.commandName ?? '';
    attempts[name] = (attempts[name] ?? 0) + 1;
    if (throttled.has(name) && attempts[name]! <= 2)
      throw Object.assign(new Error('Rate exceeded'), {
        name: 'Throttling',
        $fault: 'client',
        $metadata: { httpStatusCode: 400, attempts: attempts[name] },
      });
    return next(args);
  },
  { step: 'finalizeRequest', priority: 'low', name: 'standInThrottling' },
);

function input(): TenantEdgeInput {
  const domain = `${tenant}.slipway-test.example`;
  return {
    tenant,
    zone: { hostedZoneId, domain },
    publicLoadBalancers: true,
    services: [
      {
        service: 'web',
        environment: 'production',
        visibility: 'public',
        port: 8080,
        hostnames: [`web.${domain}`],
        health: { path: '/', intervalMs: 10_000, timeoutMs: 4_000 },
        drainMs: 0,
        targets: [{ address: '172.31.0.40', port: 31000 }],
      },
    ],
  };
}

beforeAll(async () => {
  network = await motoDefaultNetwork(endpoint, 'us-east-1');
  hostedZoneId = await createHostedZone(inspect, `${tenant}.slipway-test.example`);
  edge = new AwsEdge({ clients: edgeClients, network, deployment });
});

afterAll(async () => {
  try {
    for (let pass = 0; pass < 5; pass++)
      if ((await edge.update([])).tenants.every((t) => t.actions.length === 0)) break;
    expect(await listTenantEdgeResources(inspect, tenant, hostedZoneId)).toEqual({
      loadBalancers: [],
      targetGroups: [],
      listeners: [],
      rules: [],
      certificates: [],
      records: [],
    });
  } finally {
    await deleteHostedZone(inspect, hostedZoneId);
    await edge.close();
    for (const client of [...Object.values(inspect), ...Object.values(edgeClients)]) client.destroy();
  }
});

describe('AwsEdge under throttling', () => {
  it('retries throttled calls with backoff and still makes each resource once', async () => {
    const report = await edge.update([input()]);
    expect(report.tenants[0]!.failures).toEqual([]);
    expect(attempts.CreateTargetGroupCommand).toBe(3);
    expect(attempts.RegisterTargetsCommand).toBe(3);
    expect(edge.stats().calls).toMatchObject({
      CreateTargetGroup: 1,
      RegisterTargets: 1,
      DescribeLoadBalancers: 1,
    });
    const left = await listTenantEdgeResources(inspect, tenant);
    expect(left.targetGroups).toHaveLength(1);
    expect(left.loadBalancers).toHaveLength(1);
  });
});
