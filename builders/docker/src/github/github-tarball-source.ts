import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { BuildJob } from '@slipway/queue';
import { SourceDownloadError } from '../errors.js';
import type { SourceFor } from '../worker/build-job-deps.js';
import type { GitHubInstallations } from './github-installations.js';

export interface GitHubTarballSourceOptions {
  installations: GitHubInstallations;
  /** Injected for tests of odd answers; default the global fetch. */
  fetch?: typeof fetch;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** `owner/name` → the two URL path segments, encoded. */
function repoPath(job: BuildJob): string {
  const parts = job.repository.fullName.split('/');
  if (parts.length !== 2 || parts.some((part) => part === '' || part === '.' || part === '..'))
    throw new SourceDownloadError(
      'SOURCE_NOT_FOUND',
      `The build job names the repository "${job.repository.fullName}", which is not "owner/name".`,
    );
  return parts.map(encodeURIComponent).join('/');
}

/** Words for an HTTP answer other than the tarball; never the URL (a codeload link carries a token). */
function refused(job: BuildJob, status: number, where: string): SourceDownloadError {
  const what = `the source of ${job.repository.fullName} at ${job.commit.slice(0, 7)}`;
  // Auth hiccups, rate limits and GitHub's own faults can heal; a missing commit or repository cannot.
  if (status === 401 || status === 403 || status === 429 || status >= 500)
    return new SourceDownloadError(
      'SOURCE_UNAVAILABLE',
      `GitHub answered ${status} for ${what} (${where}); it will be retried. If it persists, check that the GitHub App installation can read this repository ("contents: read").`,
    );
  return new SourceDownloadError(
    'SOURCE_NOT_FOUND',
    `GitHub answered ${status} for ${what} (${where}): the commit is gone, or the GitHub App installation cannot see this repository. Check that the app is installed on it with "contents: read", then push again.`,
  );
}

/** Network failures (and an installation token GitHub would not issue) in words, without secrets. */
function unreachable(job: BuildJob, doing: string, error: unknown): SourceDownloadError {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status < 500 && status !== 429)
    return new SourceDownloadError(
      'SOURCE_NOT_FOUND',
      `GitHub refused ${doing} for ${job.repository.fullName} (HTTP ${status}): check that the installation ${job.installationId} exists, is not suspended and can read the repository.`,
      { cause: error },
    );
  const reason = error instanceof Error ? error.name : 'error';
  return new SourceDownloadError(
    'SOURCE_UNAVAILABLE',
    `GitHub did not answer ${doing} for ${job.repository.fullName} (${reason}); it will be retried.`,
    { cause: error },
  );
}

/**
 * The production {@link SourceFor}: `GET /repos/{owner}/{repo}/tarball/{sha}` with the job's
 * installation token, then the redirect to codeload — followed by hand, so the token is sent to
 * the API host only (the codeload link is signed on its own). Streams the `.tar.gz`; nothing is
 * written to disk. Errors are {@link SourceDownloadError}s: `SOURCE_NOT_FOUND` (not retried) or
 * `SOURCE_UNAVAILABLE` (retried), and never quote the token or the signed link.
 *
 * @example
 * const sourceFor = githubTarballSource({ installations });
 * const tarGz = await sourceFor(job, signal);
 */
export function githubTarballSource(options: GitHubTarballSourceOptions): SourceFor {
  const { installations } = options;
  const fetchFn = options.fetch ?? fetch;
  return async (job, signal) => {
    const url = `${installations.baseUrl}/repos/${repoPath(job)}/tarball/${job.commit}`;
    let token: string;
    try {
      token = await installations.token(job.installationId);
    } catch (error) {
      throw unreachable(job, 'an installation token', error);
    }
    const get = async (target: string, headers: Record<string, string>, where: string) => {
      try {
        return await fetchFn(target, { headers, redirect: 'manual', ...(signal ? { signal } : {}) });
      } catch (error) {
        if (signal?.aborted) throw error;
        throw unreachable(job, `the tarball request (${where})`, error);
      }
    };
    let answer = await get(
      url,
      {
        authorization: `token ${token}`,
        accept: 'application/vnd.github+json',
        'user-agent': 'slipway-builder-docker',
        'x-github-api-version': '2022-11-28',
      },
      'API',
    );
    if (REDIRECTS.has(answer.status)) {
      const location = answer.headers.get('location');
      await answer.body?.cancel();
      if (!location) throw refused(job, answer.status, 'a redirect without a location');
      answer = await get(
        new URL(location, url).toString(),
        { 'user-agent': 'slipway-builder-docker' },
        'codeload',
      );
      if (answer.status !== 200) {
        await answer.body?.cancel();
        throw refused(job, answer.status, 'codeload');
      }
    } else if (answer.status !== 200) {
      await answer.body?.cancel();
      throw refused(job, answer.status, 'API');
    }
    if (!answer.body) throw refused(job, answer.status, 'an empty body');
    return Readable.fromWeb(answer.body as NodeReadableStream<Uint8Array>);
  };
}
