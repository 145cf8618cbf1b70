import { LocalRegistry } from '@slipway/cloud';
import {
  awsControllerEnv,
  ControllerCluster,
  type ControllerProcess,
  createAwsState,
} from '@slipway/controller/testing';
import { servicesConfigFromEnv } from '@slipway/devenv';
import { cleanupDocker, cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { bootstrapAdmin, TokenService, UserDirectory } from '@slipway/identity';
import { createStateStore, type StateStore } from '@slipway/state';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import type { AgentProcess } from './agent-process.js';

/** Controller replicas as processes in AWS mode (S3 + DynamoDB on moto), with one tenant's names. */
export interface AwsCluster {
  /** Redis prefix and replica-name stem; unique per run. */
  readonly prefix: string;
  /** The tenant the test works in (its containers carry its label). */
  readonly tenant: string;
  readonly cluster: ControllerCluster;
  /** The state the replicas share, for reading what they stored. */
  readonly store: StateStore;
  readonly docker: Docker;
  /** Calls `replica`'s API as the bootstrap admin. */
  api(
    replica: ControllerProcess,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }>;
  /** The last warnings and errors of every replica and of `agents`, for a failure message. */
  logs(agents: readonly AgentProcess[]): string;
  /** Stops the replicas; removes the tenant's containers, images, registry repositories, Redis keys, bucket and table. */
  close(): Promise<void>;
}

/**
 * Starts `replicas` controller processes sharing a fresh bucket and lease table on moto, a lease
 * ttl of 2 s and the local registry for images (moto stores no layers), plus `env`.
 */
export async function startAwsCluster(options: {
  name: string;
  replicas: number;
  /** Each replica also runs its own local edge. */
  edge?: boolean;
  env?: Record<string, string>;
}): Promise<AwsCluster> {
  const services = servicesConfigFromEnv(process.env, process.cwd());
  const prefix = uniquePrefix(options.name);
  const tenant = prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const names = {
    endpoint: services.awsEndpoint,
    region: 'us-east-1',
    bucket: `${tenant}-state`,
    table: `${tenant}-lease`,
  };
  const dropAwsState = await createAwsState(names);
  const store = createStateStore({
    mode: 'aws',
    region: names.region,
    endpoint: names.endpoint,
    bucket: names.bucket,
    prefix: '',
  });
  const users = new UserDirectory({ store });
  const adminToken = (await bootstrapAdmin({ users, tokens: new TokenService({ store, users }) }))!.token;
  const cluster = new ControllerCluster({
    name: prefix,
    ...(options.edge ? { edge: true } : {}),
    env: awsControllerEnv(names, {
      REDIS_URL: services.redisUrl,
      SLIPWAY_REDIS_PREFIX: prefix,
      SLIPWAY_LEASE_TTL_MS: '2000',
      SLIPWAY_ECR_PUSH_REGISTRY: services.registryAddress,
      LOG_LEVEL: 'info',
      ...options.env,
    }),
  });
  const docker = new Docker({ socketPath: services.dockerSocket });
  await cluster.add(options.replicas);

  return {
    prefix,
    tenant,
    cluster,
    store,
    docker,
    async api(replica, method, path, body) {
      const response = await fetch(`http://127.0.0.1:${replica.port}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
    logs(agents) {
      const noisy = (line: string) => /"level":(40|50|60)/.test(line) || !line.startsWith('{');
      return [
        ...cluster.replicas.map((r) => [`controller ${r.id}:`, ...r.lines.filter(noisy).slice(-15)]),
        ...agents.map((a) => [`agent ${a.host}:`, ...a.lines.filter(noisy).slice(-15)]),
      ]
        .flat()
        .join('\n');
    },
    async close() {
      await cluster.stop();
      await cleanupDocker(docker, `io.slipway.tenant=${tenant}`);
      const registry = new LocalRegistry({ address: services.registryAddress });
      for (const { service } of await registry.listRepositories({ tenant }).catch(() => []))
        await registry.deleteRepository({ tenant, service }).catch(() => {});
      await registry.close();
      const redis = new Redis(services.redisUrl);
      await cleanupRedis(redis, prefix);
      redis.disconnect();
      await store.close();
      await dropAwsState();
    },
  };
}
