import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createGitRepo, type GitRepo } from '@slipway/fakes';
import { craftTarGz, listTar } from '../test/support/tar-helpers.js';
import { buildContextFromTarball } from './build-context-from-tarball.js';
import { InvalidBuildInputError, InvalidTarballError, UnsafeTarballError } from './errors.js';

let repo: GitRepo;
let tarGz: Buffer;

beforeAll(async () => {
  repo = await createGitRepo({
    files: {
      'README.md': '# monorepo\n',
      Dockerfile: 'FROM slipway/busybox:local\n',
      'services/api/Dockerfile': 'FROM slipway/busybox:local\nCOPY . /app\n',
      'services/api/src/main.sh': { content: 'echo api\n', executable: true },
      'services/web/index.html': '<h1>web</h1>\n',
    },
  });
  tarGz = await repo.archive(repo.sha, `acme-mono-${repo.sha.slice(0, 7)}`);
});

afterAll(async () => {
  await repo.remove();
});

const files = (entries: { name: string; type: string }[]) =>
  entries.filter((entry) => entry.type === 'file').map((entry) => entry.name);

describe('buildContextFromTarball', () => {
  it("strips GitHub's top folder and keeps the whole repository for context '.'", async () => {
    const entries = await listTar(buildContextFromTarball(tarGz, { contextPath: '.' }));
    expect(files(entries).sort()).toEqual([
      'Dockerfile',
      'README.md',
      'services/api/Dockerfile',
      'services/api/src/main.sh',
      'services/web/index.html',
    ]);
    expect(entries.find((entry) => entry.name === 'Dockerfile')?.content).toBe(
      'FROM slipway/busybox:local\n',
    );
  });

  it('keeps only the context subfolder, renamed relative to it, from a stream', async () => {
    const { Readable } = await import('node:stream');
    const entries = await listTar(
      buildContextFromTarball(Readable.from([tarGz.subarray(0, 100), tarGz.subarray(100)]), {
        contextPath: 'services/api',
      }),
    );
    expect(files(entries).sort()).toEqual(['Dockerfile', 'src/main.sh']);
    expect(entries.find((entry) => entry.name === 'src/main.sh')?.content).toBe('echo api\n');
  });

  it('appends the image labels to the Dockerfile as one LABEL instruction, leaving other files alone', async () => {
    const entries = await listTar(
      buildContextFromTarball(tarGz, {
        contextPath: 'services/api',
        labels: {
          dockerfile: 'Dockerfile',
          values: { 'io.slipway.tenant': 'acme', 'io.slipway.commit': 'abc' },
        },
      }),
    );
    expect(entries.find((entry) => entry.name === 'Dockerfile')?.content).toBe(
      'FROM slipway/busybox:local\nCOPY . /app\n\n\nLABEL "io.slipway.tenant"="acme" "io.slipway.commit"="abc"\n',
    );
    expect(entries.find((entry) => entry.name === 'src/main.sh')?.content).toBe('echo api\n');
  });

  it('fails with InvalidTarballError when the context folder is missing', async () => {
    await expect(listTar(buildContextFromTarball(tarGz, { contextPath: 'services/nope' }))).rejects.toThrow(
      InvalidTarballError,
    );
  });

  it('refuses a context path that climbs out of the repository before reading anything', () => {
    expect(() => buildContextFromTarball(tarGz, { contextPath: '../x' })).toThrow(InvalidBuildInputError);
  });

  it.each([
    ['a ".." entry', { name: 'acme-x-1234567/../evil', type: 'file' as const }, /climbs out/],
    ['an absolute entry', { name: '/etc/passwd', type: 'file' as const }, /absolute path/],
    [
      'a symlink leaving the context',
      { name: 'acme-x-1234567/link', type: 'symlink' as const, linkname: '../../etc/passwd' },
      /outside the build context/,
    ],
    [
      'an absolute symlink',
      { name: 'acme-x-1234567/link', type: 'symlink' as const, linkname: '/etc/passwd' },
      /absolute path/,
    ],
    ['a device', { name: 'acme-x-1234567/dev', type: 'character-device' as const }, /character-device/],
  ])('refuses %s with UnsafeTarballError', async (_what, header, message) => {
    const evil = await craftTarGz([
      { header: { name: 'acme-x-1234567/', type: 'directory' } },
      { header: { name: 'acme-x-1234567/Dockerfile', type: 'file' }, content: 'FROM x\n' },
      { header },
    ]);
    const listing = listTar(buildContextFromTarball(evil, { contextPath: '.' }));
    await expect(listing).rejects.toThrow(UnsafeTarballError);
    await expect(listing).rejects.toThrow(message);
  });

  it('keeps a symlink that stays inside the context', async () => {
    const tarball = await craftTarGz([
      { header: { name: 'acme-x-1234567/app/real.txt', type: 'file' }, content: 'hi' },
      { header: { name: 'acme-x-1234567/app/alias.txt', type: 'symlink', linkname: 'real.txt' } },
    ]);
    const entries = await listTar(buildContextFromTarball(tarball, { contextPath: 'app' }));
    expect(entries).toEqual([
      { name: 'real.txt', type: 'file', content: 'hi' },
      { name: 'alias.txt', type: 'symlink', linkname: 'real.txt' },
    ]);
  });

  it('refuses two top-level folders and non-gzip input with InvalidTarballError', async () => {
    const two = await craftTarGz([
      { header: { name: 'a/x', type: 'file' }, content: '1' },
      { header: { name: 'b/y', type: 'file' }, content: '2' },
    ]);
    await expect(listTar(buildContextFromTarball(two, { contextPath: '.' }))).rejects.toThrow(
      /one top-level folder/,
    );
    await expect(
      listTar(buildContextFromTarball(Buffer.from('not a tarball'), { contextPath: '.' })),
    ).rejects.toThrow(InvalidTarballError);
  });
});
