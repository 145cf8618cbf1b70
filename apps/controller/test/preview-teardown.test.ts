// A closed pull request's preview: the teardown removes exactly the services it made, and a deploy
// of a build that finished after the close does not make them again. Real Redis, a state folder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Service } from '@slipway/core';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import {
  type DeployJob,
  isPreviewClosed,
  markPreviewClosed,
  type PreviewTeardownJob,
  reopenPreview,
} from '@slipway/queue';
import {
  createRepositories,
  FsStateStore,
  PolicyStore,
  type Repositories,
  releaseKey,
  serviceKey,
  servicesPrefix,
} from '@slipway/state';
import { Redis } from 'ioredis';
import { applyRelease } from '../src/deploys/apply-release.js';
import { teardownPreview } from '../src/previews/teardown-preview.js';
import { sampleRelease, sampleService } from './support/records.js';

const TENANT = 'acme';
const SITE = { id: 101, fullName: 'acme/site' };
const DOCS = { id: 202, fullName: 'acme/docs' };

let dir: string;
let redis: Redis;
let repos: Repositories;
let policies: PolicyStore;
const prefix = uniquePrefix('preview-teardown');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-preview-teardown-'));
  const store = new FsStateStore({ root: dir, durable: false });
  repos = createRepositories(store);
  policies = new PolicyStore({ store });
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});

afterAll(async () => {
  await cleanupRedis(redis, prefix);
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

function built(name: string, environment: string, repo: string): Service {
  return sampleService({
    tenant: TENANT,
    environment,
    name,
    source: { kind: 'build', repo, path: '.', dockerfile: 'Dockerfile', args: {}, builder: 'native' },
  });
}

const teardownOf = (repository: typeof SITE, number: number): PreviewTeardownJob => ({
  tenant: TENANT,
  environment: `pr-${number}`,
  repository,
  number,
  closedAt: new Date().toISOString(),
});

async function names(environment: string): Promise<string[]> {
  const { documents } = await repos.services.scan(servicesPrefix(TENANT, environment));
  return documents
    .map((d) => `${d.value.source.kind === 'build' ? d.value.source.repo : 'image'}:${d.value.name}`)
    .sort();
}

describe('preview teardown', () => {
  it("removes the closed pull request's services, not another repository's preview of the same number", async () => {
    for (const service of [
      built('web', 'pr-7', SITE.fullName),
      built('worker', 'pr-7', SITE.fullName),
      built('api', 'pr-7', DOCS.fullName),
      built('web', 'production', SITE.fullName),
    ])
      await repos.services.create(service);
    await markPreviewClosed(redis, { tenant: TENANT, repositoryId: SITE.id, number: 7, prefix }, Date.now());

    const outcome = await teardownPreview({ repos, redis, prefix }, teardownOf(SITE, 7));
    expect(outcome).toEqual({ removed: ['web', 'worker'] });
    expect(await names('pr-7')).toEqual(['acme/docs:api']);
    expect(await names('production')).toEqual(['acme/site:web']);
    // The second pass finds nothing left to do.
    expect(await teardownPreview({ repos, redis, prefix }, teardownOf(SITE, 7))).toEqual({ removed: [] });
  });

  it('does nothing once the pull request is open again', async () => {
    await repos.services.create(built('web', 'pr-8', SITE.fullName));
    const line = { tenant: TENANT, repositoryId: SITE.id, number: 8, prefix };
    await markPreviewClosed(redis, line, Date.now());
    await reopenPreview(redis, line);
    expect(await teardownPreview({ repos, redis, prefix }, teardownOf(SITE, 8))).toEqual({ reopened: true });
    expect(await names('pr-8')).toEqual(['acme/site:web']);
  });

  it('does not make a closed preview again when a build that outlived it deploys', async () => {
    const commit = 'c'.repeat(40);
    const release = sampleRelease({
      tenant: TENANT,
      id: 'r-late',
      environment: 'pr-9',
      service: 'web',
      commit,
    });
    await repos.releases.create(release);
    const job: DeployJob = {
      tenant: TENANT,
      environment: 'pr-9',
      service: 'web',
      releaseId: release.id,
      commit,
      ref: 'refs/pull/9/head',
      installationId: 1,
      repository: SITE,
      deliveryId: 'd-late',
      serviceDefaults: {
        source: built('web', 'pr-9', SITE.fullName).source,
        replicas: 1,
        domains: [],
        visibility: 'public',
      },
    };
    const line = { tenant: TENANT, repositoryId: SITE.id, number: 9, prefix };
    const previewClosed = () => isPreviewClosed(redis, line);
    await markPreviewClosed(redis, line, Date.now());
    expect(await applyRelease({ repos, policies, previewClosed }, job)).toBe('preview-closed');
    expect(
      await repos.services.get(serviceKey({ tenant: TENANT, environment: 'pr-9', name: 'web' })),
    ).toBeUndefined();

    // Reopened, the same deploy makes it.
    await reopenPreview(redis, line);
    expect(await applyRelease({ repos, policies, previewClosed }, job)).toBe('created');
    const stored = await repos.services.get(serviceKey({ tenant: TENANT, environment: 'pr-9', name: 'web' }));
    expect(stored?.value.release).toBe(release.id);
    expect(
      await repos.releases.get(
        releaseKey({ tenant: TENANT, environment: 'pr-9', service: 'web', id: release.id }),
      ),
    ).toBeDefined();
  });
});
