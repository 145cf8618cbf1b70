import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Octokit } from '@octokit/rest';
import { type FakeGitHub, startFakeGitHub } from './fake-github.js';
import { createGitRepo, type GitRepo } from './git-repo.js';
import { quietOctokit } from './quiet-octokit.js';

const execFileAsync = promisify(execFile);

const FIRST_FILES = {
  'slipway.yaml': 'services:\n  web:\n    port: 8080\n',
  Dockerfile: 'FROM slipway/busybox:local\nCOPY . /app\n',
  'src/server.js': 'console.log("hello");\n',
  'bin/start.sh': { content: '#!/bin/sh\nexec node src/server.js\n', executable: true },
  'assets/logo.bin': Buffer.from([0, 1, 2, 253, 254, 255]),
};

describe('contents and tarballs', () => {
  let fake: FakeGitHub;
  let repo: GitRepo;
  let octokit: Octokit;
  let firstSha: string;
  let secondSha: string;
  const tempDirs: string[] = [];

  beforeAll(async () => {
    fake = await startFakeGitHub();
    repo = await createGitRepo({ files: FIRST_FILES });
    firstSha = repo.sha;
    await repo.createBranch('feature/old-config', firstSha);
    secondSha = await repo.commit({
      'slipway.yaml': 'services:\n  web:\n    port: 9090\n',
      'src/server.js': null,
    });
    const { installationId } = fake.addRepo({ owner: 'acme', name: 'web', git: repo });
    octokit = quietOctokit({ baseUrl: fake.baseUrl, auth: fake.createInstallationToken(installationId!) });
  });

  afterAll(async () => {
    await fake.close();
    await repo.remove();
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function fileAt(path: string, ref?: string): Promise<{ text: string; sha: string; size: number }> {
    const { data } = await octokit.rest.repos.getContent({
      owner: 'acme',
      repo: 'web',
      path,
      ...(ref ? { ref } : {}),
    });
    if (Array.isArray(data) || data.type !== 'file') throw new Error(`${path} is not a file`);
    expect(data.encoding).toBe('base64');
    return { text: Buffer.from(data.content, 'base64').toString('utf8'), sha: data.sha, size: data.size };
  }

  it('serves a file at a sha, at a branch and at the default branch', async () => {
    const atFirst = await fileAt('slipway.yaml', firstSha);
    const atBranch = await fileAt('slipway.yaml', 'feature/old-config');
    const atDefault = await fileAt('slipway.yaml');

    expect(atFirst.text).toBe(FIRST_FILES['slipway.yaml']);
    expect(atBranch.text).toBe(FIRST_FILES['slipway.yaml']);
    expect(atDefault.text).toContain('port: 9090');
    expect(atFirst.size).toBe(FIRST_FILES['slipway.yaml'].length);
    const blobSha = (await execFileAsync('git', ['rev-parse', `${firstSha}:slipway.yaml`], { cwd: repo.dir }))
      .stdout;
    expect(atFirst.sha).toBe(blobSha.trim());
  });

  it('answers GitHub’s JSON shape for a file', async () => {
    const { data } = await octokit.rest.repos.getContent({ owner: 'acme', repo: 'web', path: 'Dockerfile' });

    expect(data).toMatchObject({
      type: 'file',
      encoding: 'base64',
      name: 'Dockerfile',
      path: 'Dockerfile',
      sha: expect.stringMatching(/^[0-9a-f]{40}$/),
      content: expect.any(String),
      size: FIRST_FILES.Dockerfile.length,
    });
  });

  it('lists a directory', async () => {
    const { data } = await octokit.rest.repos.getContent({
      owner: 'acme',
      repo: 'web',
      path: 'bin',
      ref: firstSha,
    });

    expect(Array.isArray(data) && data.map((entry) => [entry.type, entry.path])).toEqual([
      ['file', 'bin/start.sh'],
    ]);
  });

  it('serves raw bytes for the raw media type', async () => {
    const { data } = await octokit.rest.repos.getContent({
      owner: 'acme',
      repo: 'web',
      path: 'slipway.yaml',
      ref: firstSha,
      mediaType: { format: 'raw' },
    });

    expect(data).toBe(FIRST_FILES['slipway.yaml']);
    const [request] = fake.callsTo('GET', '/repos/acme/web/contents/slipway.yaml').slice(-1);
    expect(request?.headers.accept).toContain('application/vnd.github');
  });

  it('answers 404 for a missing path, a file deleted at the ref and an unknown ref', async () => {
    const get = (path: string, ref?: string) =>
      octokit.rest.repos.getContent({ owner: 'acme', repo: 'web', path, ...(ref ? { ref } : {}) });

    await expect(get('nope.txt')).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Not Found' } },
    });
    await expect(get('src/server.js')).rejects.toMatchObject({ status: 404 });
    await expect(get('Dockerfile', 'nope')).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'No commit found for the ref nope' } },
    });
  });

  it('downloads the tarball through a codeload redirect: one top folder holding the committed files', async () => {
    const { data, url } = await octokit.rest.repos.downloadTarballArchive({
      owner: 'acme',
      repo: 'web',
      ref: firstSha,
    });
    const dir = await mkdtemp(join(tmpdir(), 'slipway-fakes-tarball-'));
    tempDirs.push(dir);
    await writeFile(join(dir, 'source.tar.gz'), Buffer.from(data as ArrayBuffer));
    await execFileAsync('tar', ['-xzf', 'source.tar.gz', '-C', dir, '--exclude=pax_global_header'], {
      cwd: dir,
    });

    const topLevel = (await readdir(dir)).filter((name) => name !== 'source.tar.gz');
    expect(topLevel).toEqual([`acme-web-${firstSha.slice(0, 7)}`]);
    const root = join(dir, topLevel[0]!);
    expect(await readFile(join(root, 'slipway.yaml'), 'utf8')).toBe(FIRST_FILES['slipway.yaml']);
    expect(await readFile(join(root, 'src/server.js'), 'utf8')).toBe(FIRST_FILES['src/server.js']);
    expect(await readFile(join(root, 'assets/logo.bin'))).toEqual(FIRST_FILES['assets/logo.bin']);
    expect((await stat(join(root, 'bin/start.sh'))).mode & 0o111).not.toBe(0);
    expect(url).toContain('/_codeload/acme/web/legacy.tar.gz/');
    const [redirect] = fake.callsTo('GET', `/repos/acme/web/tarball/${firstSha}`);
    const [download] = fake.callsTo('GET', /^\/_codeload\//);
    expect(redirect?.status).toBe(302);
    expect(download?.status).toBe(200);
  });

  it('resolves a tarball ref given as a branch name', async () => {
    const { data } = await octokit.rest.repos.downloadTarballArchive({
      owner: 'acme',
      repo: 'web',
      ref: 'main',
    });
    const listing = await listTarball(Buffer.from(data as ArrayBuffer));

    expect(listing).toContain(`acme-web-${secondSha.slice(0, 7)}/slipway.yaml`);
    expect(listing).not.toContain(`acme-web-${secondSha.slice(0, 7)}/src/server.js`);
  });

  it('answers 404 for the tarball of an unknown ref and for a codeload link without its token', async () => {
    const unknown = octokit.rest.repos.downloadTarballArchive({
      owner: 'acme',
      repo: 'web',
      ref: 'no-such-branch',
    });
    await expect(unknown).rejects.toMatchObject({ status: 404 });

    const forged = await fetch(`${fake.url}/_codeload/acme/web/legacy.tar.gz/${firstSha}?token=forged`);
    expect(forged.status).toBe(404);
  });

  it('raised no errors inside the fake', () => {
    expect(fake.serverErrors).toEqual([]);
  });

  async function listTarball(archive: Buffer): Promise<string[]> {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-fakes-tarball-'));
    tempDirs.push(dir);
    await writeFile(join(dir, 'source.tar.gz'), archive);
    const { stdout } = await execFileAsync('tar', ['-tzf', 'source.tar.gz'], { cwd: dir });
    return stdout.split('\n');
  }
});
