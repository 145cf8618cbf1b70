import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, normalize } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** A file's content, or content plus the executable bit (entrypoint scripts need it). */
export type GitFile = string | Uint8Array | { content: string | Uint8Array; executable: boolean };

/** One entry of a tree, as `git ls-tree -l` prints it. */
export interface GitTreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  /** Bytes for blobs; 0 for trees and submodules. */
  size: number;
  /** Path from the repository root. */
  path: string;
}

/** A real git repository on disk that the fake GitHub serves contents and tarballs from. */
export interface GitRepo {
  readonly dir: string;
  readonly branch: string;
  /** Head commit of `branch` after the last {@link GitRepo.commit}. */
  readonly sha: string;
  /** Write (or, with `null`, delete) files and commit them on `branch`; returns the new sha. */
  commit(files: Record<string, GitFile | null>, options?: { message?: string }): Promise<string>;
  /** Create or move a branch to a commit (default: head), e.g. a PR branch. */
  createBranch(name: string, sha?: string): Promise<void>;
  /** The commit sha a branch, tag or (possibly short) sha names, or undefined. */
  resolveRef(ref: string): Promise<string | undefined>;
  /** The entry at `path` in `commit` ('' is the root tree), or undefined when missing. */
  entry(commit: string, path: string): Promise<GitTreeEntry | undefined>;
  /** Children of the tree at `path` in `commit`. */
  listTree(commit: string, path: string): Promise<GitTreeEntry[]>;
  /** Raw bytes of a blob. */
  readBlob(sha: string): Promise<Buffer>;
  /** `git archive --format=tar.gz` of `commit`, every path under `prefix/`. */
  archive(commit: string, prefix: string): Promise<Buffer>;
  /** Delete the directory. Idempotent. */
  remove(): Promise<void>;
}

const GIT_IDENTITY = [
  '-c',
  'user.name=Slipway Test',
  '-c',
  'user.email=test@slipway.invalid',
  '-c',
  'commit.gpgsign=false',
];
// Keep the developer's ~/.gitconfig (hooks, signing, templates) out of test repositories.
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
};
// Refs and paths come from HTTP requests: refuse anything git could read as an option or a revision range.
const SAFE_REF = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

async function git(dir: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, {
    cwd: dir,
    env: GIT_ENV,
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}

async function gitBuffer(dir: string, args: string[]): Promise<Buffer> {
  const { stdout } = await execFileAsync('git', args, {
    cwd: dir,
    env: GIT_ENV,
    encoding: 'buffer',
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}

function assertSafeRepoPath(path: string): void {
  const normalized = normalize(path);
  if (path.startsWith('/') || normalized.startsWith('..')) {
    throw new Error(`File path "${path}" leaves the repository; use a path relative to the repository root.`);
  }
}

async function writeFiles(dir: string, files: Record<string, GitFile | null>): Promise<void> {
  for (const [path, file] of Object.entries(files)) {
    assertSafeRepoPath(path);
    const target = join(dir, path);
    if (file === null) {
      await rm(target, { force: true, recursive: true });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    const content = typeof file === 'string' || file instanceof Uint8Array ? file : file.content;
    await writeFile(target, content);
    const executable = typeof file === 'object' && !(file instanceof Uint8Array) && file.executable;
    await chmod(target, executable ? 0o755 : 0o644);
  }
}

function parseLsTree(output: string, parentPath: string): GitTreeEntry[] {
  return output
    .split('\0')
    .filter((line) => line.length > 0)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode = '', type = '', sha = '', size = '-'] = line.slice(0, tab).split(/\s+/);
      const name = line.slice(tab + 1);
      return {
        mode,
        type: type as GitTreeEntry['type'],
        sha,
        size: size === '-' ? 0 : Number(size),
        path: parentPath ? `${parentPath}/${name}` : name,
      };
    });
}

/**
 * Make a real git repository in a temp folder with one commit of `files` on `branch`.
 * The fake GitHub serves its contents and tarballs from it; call `remove()` in afterAll.
 *
 * @example
 * const repo = await createGitRepo({ files: { 'slipway.yaml': 'services: {}\n', 'Dockerfile': 'FROM scratch\n' } });
 * fake.addRepo({ owner: 'acme', name: 'web', git: repo });
 */
export async function createGitRepo(options: {
  files: Record<string, GitFile>;
  branch?: string;
  message?: string;
}): Promise<GitRepo> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-fake-git-'));
  const branch = options.branch ?? 'main';
  let head = '';
  let removed = false;

  const resolveRef = async (ref: string): Promise<string | undefined> => {
    if (!SAFE_REF.test(ref) || ref.includes('..')) return undefined;
    try {
      return (await git(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() || undefined;
    } catch {
      // rev-parse --verify exits 1 for an unknown ref: that is the "not found" answer, not a failure.
      return undefined;
    }
  };

  const repo: GitRepo = {
    dir,
    branch,
    get sha() {
      return head;
    },
    async commit(files, commitOptions = {}) {
      await writeFiles(dir, files);
      await git(dir, ['add', '--all']);
      await git(dir, [
        ...GIT_IDENTITY,
        'commit',
        '--allow-empty',
        '--quiet',
        '-m',
        commitOptions.message ?? 'Update files',
      ]);
      head = (await git(dir, ['rev-parse', 'HEAD'])).trim();
      return head;
    },
    async createBranch(name, sha) {
      if (!SAFE_REF.test(name))
        throw new Error(`Branch name "${name}" is not allowed; use letters, digits, . _ / -.`);
      await git(dir, ['branch', '--force', name, sha ?? head]);
    },
    resolveRef,
    async entry(commit, path) {
      if (path === '') {
        const sha = (await git(dir, ['rev-parse', `${commit}^{tree}`])).trim();
        return { mode: '040000', type: 'tree', sha, size: 0, path: '' };
      }
      const output = await git(dir, ['ls-tree', '-z', '-l', '--full-tree', commit, '--', path]);
      return parseLsTree(output, '').find((entry) => entry.path === path);
    },
    async listTree(commit, path) {
      const spec = path === '' ? commit : `${commit}:${path}`;
      return parseLsTree(await git(dir, ['ls-tree', '-z', '-l', spec]), path);
    },
    readBlob(sha) {
      return gitBuffer(dir, ['cat-file', 'blob', sha]);
    },
    archive(commit, prefix) {
      return gitBuffer(dir, ['archive', '--format=tar.gz', `--prefix=${prefix}/`, commit]);
    },
    async remove() {
      if (removed) return;
      removed = true;
      await rm(dir, { recursive: true, force: true });
    },
  };

  await git(dir, ['init', '--quiet', `--initial-branch=${branch}`]);
  // Git names a commit by its content, author and second: two repositories made alike in one
  // second would share their first sha, and tests keyed by sha would see each other's builds.
  const message = options.message ?? `Initial commit\n\nFake repository ${basename(dir)}`;
  await repo.commit(options.files, { message });
  return repo;
}
