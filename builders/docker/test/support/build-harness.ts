import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRegistry } from '@slipway/cloud';
import { cleanupRedis, testLabel, uniquePrefix } from '@slipway/devenv/testing';
import { createGitRepo, type GitFile, type GitRepo } from '@slipway/fakes';
import { type BuildJob, createQueues, type Queues } from '@slipway/queue';
import { createRepositories, FsStateStore, PolicyStore, type Repositories } from '@slipway/state';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import type { BuildJobDeps, SourceFor } from '../../src/index.js';
import { cleanupTestImages } from './cleanup-test-images.js';

export const REGISTRY = '127.0.0.1:5000';

/** A commit of a small repository, with GitHub's tarball of it. */
export interface Source {
  git: GitRepo;
  sha: string;
  tarGz: Buffer;
}

/** Real Redis, engine, registry and a state folder, all named after one run prefix and cleaned up by it. */
export interface Harness {
  prefix: string;
  redis: Redis;
  docker: Docker;
  registry: LocalRegistry;
  store: FsStateStore;
  stateDir: string;
  repos: Repositories;
  policies: PolicyStore;
  queues: Queues;
  /** The label every image built here carries, for cleanup. */
  labels: Record<string, string>;
  /** A unique tenant id for one test. */
  tenant(label: string): string;
  source(files: Record<string, GitFile>): Promise<Source>;
  job(options: {
    tenant: string;
    sha: string;
    service?: string;
    attempt?: number;
    fullName?: string;
    installationId?: number;
  }): BuildJob;
  /** runBuildJob's dependencies with the source given (and anything overridden). */
  deps(sourceFor: SourceFor, extra?: Partial<BuildJobDeps>): BuildJobDeps;
  close(): Promise<void>;
}

export const tarballOf =
  (source: Source): SourceFor =>
  async () =>
    source.tarGz;

/** A static site: two steps after the labels, the second a COPY. */
export const SITE_FILES: Record<string, GitFile> = {
  Dockerfile: 'FROM slipway/busybox:local\nCOPY index.html /www/index.html\n',
  'index.html': '<h1>hello</h1>\n',
};

export async function openHarness(label: string): Promise<Harness> {
  const prefix = uniquePrefix(label);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  const stateDir = await mkdtemp(join(tmpdir(), `slipway-${label}-`));
  const store = new FsStateStore({ root: stateDir, durable: false });
  const queues = createQueues({ connection: redis, prefix });
  const gits: GitRepo[] = [];
  let tenants = 0;
  const harness: Harness = {
    prefix,
    redis,
    docker,
    registry: new LocalRegistry({ address: REGISTRY }),
    store,
    stateDir,
    repos: createRepositories(store),
    policies: new PolicyStore({ store }),
    queues,
    labels: { [testLabel]: prefix },
    tenant: (name) => `${prefix}-${name}-${++tenants}`,
    async source(files) {
      const git = await createGitRepo({ files });
      gits.push(git);
      return { git, sha: git.sha, tarGz: await git.archive(git.sha, `acme-web-${git.sha.slice(0, 7)}`) };
    },
    job({ tenant, sha, service = 'web', attempt, fullName = 'acme/web', installationId = 1 }) {
      return {
        tenant,
        service,
        environment: 'production',
        commit: sha,
        ref: 'refs/heads/main',
        installationId,
        repository: { id: 7, fullName },
        deliveryId: 'd-1',
        build: { dockerfile: 'Dockerfile', context: '.', args: {} },
        config: {
          port: 8080,
          resources: { cpuMillicores: 250, memoryMiB: 64 },
          health: { path: '/', intervalMs: 5000, timeoutMs: 1000 },
          env: { GREETING: 'hi' },
          secrets: [],
        },
        ...(attempt === undefined ? {} : { attempt }),
      };
    },
    deps(sourceFor, extra = {}) {
      return {
        docker,
        registry: harness.registry,
        repos: harness.repos,
        policies: harness.policies,
        deploys: queues.deploys,
        redis,
        prefix,
        sourceFor,
        extraLabels: harness.labels,
        ...extra,
      };
    },
    async close() {
      try {
        await queues.close();
        await Promise.all(gits.map((git) => git.remove()));
        await cleanupTestImages(docker, prefix);
        await cleanupRedis(redis, prefix);
      } finally {
        redis.disconnect();
        await store.close();
        await rm(stateDir, { recursive: true, force: true });
      }
    },
  };
  return harness;
}
