import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Octokit } from '@octokit/rest';
import { type FakeGitHub, startFakeGitHub } from './fake-github.js';
import { createGitRepo, type GitRepo } from './git-repo.js';
import { quietOctokit } from './quiet-octokit.js';

// Typed as plain strings so tests can send bodies octokit's types (rightly) forbid.
const UNTYPED_CREATE: string = 'POST /repos/{owner}/{repo}/check-runs';
const UNTYPED_UPDATE: string = 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}';

describe('check runs', () => {
  let fake: FakeGitHub;
  let repo: GitRepo;
  let octokit: Octokit;
  const where = { owner: 'acme', repo: 'web' };

  beforeAll(async () => {
    fake = await startFakeGitHub();
    repo = await createGitRepo({ files: { 'slipway.yaml': 'services: {}\n' } });
    const { installationId } = fake.addRepo({ owner: 'acme', name: 'web', git: repo });
    octokit = quietOctokit({ baseUrl: fake.baseUrl, auth: fake.createInstallationToken(installationId!) });
  });

  afterAll(async () => {
    await fake.close();
    await repo.remove();
  });

  it('creates, updates, reads and lists a run through its life', async () => {
    const created = await octokit.rest.checks.create({
      ...where,
      name: 'Slipway build / web',
      head_sha: repo.sha,
      status: 'in_progress',
      details_url: 'http://127.0.0.1:3100/builds/1',
      external_id: 'build-1',
    });
    const updated = await octokit.rest.checks.update({
      ...where,
      check_run_id: created.data.id,
      conclusion: 'success',
      output: {
        title: 'Built web',
        summary: 'Image pushed',
        annotations: [
          { path: 'Dockerfile', start_line: 1, end_line: 1, annotation_level: 'notice', message: 'cached' },
        ],
      },
    });
    const read = await octokit.rest.checks.get({ ...where, check_run_id: created.data.id });
    const listed = await octokit.rest.checks.listForRef({ ...where, ref: 'main' });

    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ status: 'in_progress', conclusion: null, head_sha: repo.sha });
    expect(created.data.app?.slug).toBe('slipway');
    expect(updated.data).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      completed_at: expect.stringMatching(/Z$/),
      output: { title: 'Built web', summary: 'Image pushed', annotations_count: 1 },
    });
    expect(read.data).toEqual(updated.data);
    expect(listed.data.total_count).toBe(1);
    expect(listed.data.check_runs[0]?.id).toBe(created.data.id);
    expect(fake.checkRuns(where)).toEqual([updated.data]);
  });

  it('lists only the latest run per name unless filter=all', async () => {
    await octokit.rest.checks.create({ ...where, name: 'Slipway deploy / web', head_sha: repo.sha });
    const rerun = await octokit.rest.checks.create({
      ...where,
      name: 'Slipway deploy / web',
      head_sha: repo.sha,
    });

    const latest = await octokit.rest.checks.listForRef({
      ...where,
      ref: repo.sha,
      check_name: 'Slipway deploy / web',
    });
    const all = await octokit.rest.checks.listForRef({
      ...where,
      ref: repo.sha,
      check_name: 'Slipway deploy / web',
      filter: 'all',
    });

    expect(latest.data.check_runs.map((run) => run.id)).toEqual([rerun.data.id]);
    expect(all.data.total_count).toBe(2);
  });

  const valid = (sha: string) => ({ name: 'build', head_sha: sha });
  it.each([
    ['without a name', (sha: string) => ({ head_sha: sha }), '"name" wasn\'t supplied.'],
    [
      'with an unknown status',
      (sha: string) => ({ ...valid(sha), status: 'done' }),
      "For 'properties/status'",
    ],
    [
      'completed without a conclusion',
      (sha: string) => ({ ...valid(sha), status: 'completed' }),
      '"conclusion" wasn\'t supplied.',
    ],
    [
      'with a conclusion only GitHub sets',
      (sha: string) => ({ ...valid(sha), conclusion: 'stale' }),
      "For 'properties/conclusion'",
    ],
    [
      'with output but no summary',
      (sha: string) => ({ ...valid(sha), output: { title: 'x' } }),
      '"summary" wasn\'t supplied.',
    ],
    [
      'with a summary over 65535 characters',
      (sha: string) => ({ ...valid(sha), output: { title: 'x', summary: 'a'.repeat(65536) } }),
      'Only 65535 characters are allowed; 65536 were supplied.',
    ],
    [
      'with a relative details_url',
      (sha: string) => ({ ...valid(sha), details_url: '/builds/1' }),
      "For 'properties/details_url'",
    ],
  ])('refuses a run %s with 422 in GitHub’s shape', async (_case, body, message) => {
    const failure = octokit.request(UNTYPED_CREATE, { ...where, ...body(repo.sha) });

    await expect(failure).rejects.toMatchObject({
      status: 422,
      response: {
        data: { message: expect.stringContaining(message), documentation_url: expect.any(String) },
      },
    });
    expect(fake.checkRuns(where).some((run) => run.name === 'build' && run.status === 'completed')).toBe(
      false,
    );
  });

  it('refuses a head_sha that is not a commit of the repository', async () => {
    const failure = octokit.rest.checks.create({ ...where, name: 'build', head_sha: 'f'.repeat(40) });

    await expect(failure).rejects.toMatchObject({
      status: 422,
      response: { data: { message: `No commit found for SHA: ${'f'.repeat(40)}` } },
    });
  });

  it('leaves a run unchanged when an update is refused', async () => {
    const { data } = await octokit.rest.checks.create({
      ...where,
      name: 'build',
      head_sha: repo.sha,
      status: 'queued',
    });

    const failure = octokit.request(UNTYPED_UPDATE, {
      ...where,
      check_run_id: data.id,
      status: 'completed',
      name: 'renamed',
    });

    await expect(failure).rejects.toMatchObject({ status: 422 });
    const after = await octokit.rest.checks.get({ ...where, check_run_id: data.id });
    expect(after.data).toMatchObject({ name: 'build', status: 'queued', conclusion: null });
  });

  it('answers 404 for an unknown check run and 422 for listing an unknown ref', async () => {
    await expect(octokit.rest.checks.get({ ...where, check_run_id: 1 })).rejects.toMatchObject({
      status: 404,
    });
    await expect(octokit.rest.checks.listForRef({ ...where, ref: 'no-such-branch' })).rejects.toMatchObject({
      status: 422,
    });
  });

  it('recorded every call for assertions', () => {
    const creates = fake.callsTo('POST', '/repos/acme/web/check-runs');

    expect(creates.length).toBeGreaterThan(3);
    expect(creates[0]?.body).toMatchObject({ name: 'Slipway build / web', head_sha: repo.sha });
    expect(fake.requests.unhandled()).toEqual([]);
    expect(fake.serverErrors).toEqual([]);
  });
});
