import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildJobId } from '@slipway/queue';
import { releasesPrefix } from '@slipway/state';
import { BuildFailedError, buildCheckName, runBuildJob } from '../src/index.js';
import { type Harness, openHarness, SITE_FILES, tarballOf } from './support/build-harness.js';
import { type GitHubSide, openGitHub } from './support/github.js';
import { memoryLogger } from './support/memory-logger.js';

let h: Harness;
let gh: GitHubSide;
const logger = memoryLogger();

beforeAll(async () => {
  h = await openHarness('crf');
  gh = await openGitHub(logger);
});

afterAll(async () => {
  await gh.close();
  await h.close();
});

/** What must never show up in a log line or a check run: tokens and signed codeload links. */
function expectNoSecrets(text: string) {
  expect(text).not.toMatch(/ghs_[A-Za-z0-9]/);
  expect(text).not.toMatch(/token=/);
  expect(text).not.toContain('PRIVATE KEY');
}

describe('GitHub check runs from the builder (fake GitHub, real engine and registry)', () => {
  it('queued → in_progress → success with image, digest, duration and cache use; source from the tarball API', async () => {
    const source = await h.source(SITE_FILES);
    const { fullName, installationId } = gh.addRepo(source, 'site');
    const tenant = h.tenant('ok');
    const job = h.job({ tenant, sha: source.sha, fullName, installationId });
    const jobId = buildJobId({ tenant, service: 'web', environment: 'production', sha: source.sha });
    // What the intake does: one queued check run per service, external_id = the build job id.
    await gh.installations.octokit(installationId).rest.checks.create({
      owner: 'acme',
      repo: 'site',
      name: buildCheckName('web'),
      head_sha: source.sha,
      external_id: jobId,
      status: 'queued',
    });

    const result = await runBuildJob(job, h.deps(gh.sourceFor, { feedback: gh.feedback, logger }));

    const writes = gh.checkRunWrites(fullName);
    expect(writes.map((body) => body.conclusion ?? body.status)).toEqual([
      'queued',
      'in_progress',
      'success',
    ]);
    expect(writes[1]).toMatchObject({ status: 'in_progress', started_at: expect.any(String) });
    const runs = gh.checkRuns(fullName);
    expect(runs).toHaveLength(1);
    const run = runs[0] as {
      conclusion: string;
      external_id: string;
      output: { title: string; summary: string };
    };
    expect(run).toMatchObject({ conclusion: 'success', external_id: jobId });
    expect(run.output.title).toBe(`Built web at ${source.sha.slice(0, 7)}`);
    expect(run.output.summary).toContain(`| Image | \`${result.release.image}\` |`);
    expect(run.output.summary).toContain(`| Digest | \`${result.release.digest}\` |`);
    expect(run.output.summary).toMatch(/\| Duration \| \d+\.\d s \|/);
    expect(run.output.summary).toMatch(/\| Layer cache \| \d+ of \d+ steps from the layer cache \|/);
    expect(gh.fake.callsTo('GET', `/repos/${fullName}/tarball/${source.sha}`)).toHaveLength(1);
    expect(gh.fake.requests.unhandled()).toEqual([]);
    expect(gh.fake.serverErrors).toEqual([]);
    expectNoSecrets(logger.text());
    expectNoSecrets(JSON.stringify(runs));
  });

  it('creates the check run when missing and concludes failure with the step, Docker’s message and the last 50 lines', async () => {
    const source = await h.source({
      Dockerfile:
        'FROM slipway/busybox:local\nRUN i=0; while [ $i -lt 80 ]; do i=$((i+1)); echo line-$i; done; exit 3\n',
    });
    const { fullName, installationId } = gh.addRepo(source, 'broken');
    const tenant = h.tenant('fail');
    const job = h.job({ tenant, sha: source.sha, fullName, installationId });

    await expect(runBuildJob(job, h.deps(gh.sourceFor, { feedback: gh.feedback, logger }))).rejects.toThrow(
      BuildFailedError,
    );

    const writes = gh.checkRunWrites(fullName);
    expect(writes.map((body) => body.conclusion ?? body.status)).toEqual(['in_progress', 'failure']);
    expect(writes[0]).toMatchObject({
      name: 'Slipway build / web',
      external_id: buildJobId({ tenant, service: 'web', environment: 'production', sha: source.sha }),
    });
    const [run] = gh.checkRuns(fullName) as Array<{
      conclusion: string;
      output: { title: string; summary: string; text: string };
    }>;
    expect(run?.conclusion).toBe('failure');
    expect(run?.output.title).toMatch(/^Docker build failed at Step \d+\/\d+ : RUN i=0; while/);
    expect(run?.output.summary).toContain('returned a non-zero code: 3');
    expect(run?.output.summary).toContain('Fix the Dockerfile or the source and push again.');
    const text = run?.output.text ?? '';
    expect(text).toMatch(/^Last 50 log lines:/);
    expect(text).toContain('line-80');
    expect(text).not.toMatch(/^line-20$/m);
    const block = text.split('\n').slice(3, -1);
    expect(block).toHaveLength(50);
    expect(block.at(-1)).toMatch(/returned a non-zero code: 3/);
    expect((await h.repos.releases.scan(releasesPrefix(tenant))).documents).toEqual([]);
    expectNoSecrets(JSON.stringify(run));
  });

  it('a GitHub that refuses every call is logged and changes nothing: the build still succeeds once', async () => {
    const source = await h.source(SITE_FILES);
    const { fullName, installationId } = gh.addRepo(source, 'suspended');
    gh.fake.setInstallationSuspended(installationId, true);
    const tenant = h.tenant('gh-down');
    const local = memoryLogger();
    const job = h.job({ tenant, sha: source.sha, fullName, installationId });

    const result = await runBuildJob(
      job,
      h.deps(tarballOf(source), { feedback: gh.feedback, logger: local }),
    );

    expect(result.built).toBe(true);
    const warnings = local.entries.filter((entry) => entry.level === 'warn');
    expect(warnings.map((entry) => entry.message)).toEqual([
      'could not report "started" to GitHub; the build goes on',
      'could not report "succeeded" to GitHub; the build goes on',
    ]);
    expect(warnings[0]?.fields).toMatchObject({ tenant, err: { status: 403 } });
    expect(gh.checkRuns(fullName)).toEqual([]);
    expect((await h.repos.releases.scan(releasesPrefix(tenant))).documents).toHaveLength(1);
    expectNoSecrets(local.text());
  });
});
