import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createGitRepo, type FakeGitHub, type GitRepo, startFakeGitHub } from '@slipway/fakes';
import type { BuildJob } from '@slipway/queue';
import { SourceDownloadError } from '../errors.js';
import { GitHubInstallations } from './github-installations.js';
import { githubTarballSource } from './github-tarball-source.js';

let fake: FakeGitHub;
let git: GitRepo;
let installationId: number;

beforeAll(async () => {
  fake = await startFakeGitHub();
  git = await createGitRepo({ files: { Dockerfile: 'FROM slipway/busybox:local\n' } });
  ({ installationId } = fake.addRepo({ owner: 'acme', name: 'web', git }) as { installationId: number });
  fake.addRepo({ owner: 'other', name: 'private', git, installed: false });
});

afterAll(async () => {
  await fake.close();
  await git.remove();
});

const jobFor = (sha: string, fullName = 'acme/web') =>
  ({ commit: sha, installationId, repository: { id: 1, fullName } }) as BuildJob;

async function bytesOf(source: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(source)) return source;
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('githubTarballSource (fake GitHub)', () => {
  const sourceFor = () =>
    githubTarballSource({
      installations: new GitHubInstallations({
        appId: fake.appId,
        privateKey: fake.privateKey,
        baseUrl: fake.baseUrl,
      }),
    });

  it('streams the commit’s tarball, sending the token to the API only, not to codeload', async () => {
    const tarGz = await bytesOf(await sourceFor()(jobFor(git.sha)));
    expect(tarGz).toEqual(await git.archive(git.sha, `acme-web-${git.sha.slice(0, 7)}`));
    const [api] = fake.callsTo('GET', `/repos/acme/web/tarball/${git.sha}`);
    expect(api?.headers.authorization).toMatch(/^token ghs_/);
    const [codeload] = fake.callsTo('GET', /^\/_codeload\//);
    expect(codeload?.status).toBe(200);
    expect(codeload?.headers.authorization).toBeUndefined();
  });

  it.each([
    ['a commit that does not exist', () => jobFor('0'.repeat(40))],
    ['a repository outside the installation', () => jobFor(git.sha, 'other/private')],
    ['a repository name that is not owner/name', () => jobFor(git.sha, 'acme/web/../x')],
  ])('%s → SOURCE_NOT_FOUND, without a token in the message', async (_label, job) => {
    const failure = await sourceFor()(job()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceDownloadError);
    expect((failure as SourceDownloadError).code).toBe('SOURCE_NOT_FOUND');
    expect((failure as Error).message).not.toMatch(/ghs_|token=/);
  });

  it('GitHub down → SOURCE_UNAVAILABLE (retried)', async () => {
    const down = githubTarballSource({
      installations: new GitHubInstallations({
        appId: fake.appId,
        privateKey: fake.privateKey,
        baseUrl: 'http://127.0.0.1:1/api/v3',
      }),
    });
    const failure = await down(jobFor(git.sha)).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
  });
});
