import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { buildKey } from '@slipway/state';
import { type PushPlatform, startPushPlatform } from '../src/push-platform.js';
import { WEB_SERVICE_YAML } from '../src/web-service.js';

const files = {
  'slipway.yaml': WEB_SERVICE_YAML,
  Dockerfile:
    'FROM slipway/busybox:local\nCOPY index.html /www/index.html\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n',
  'index.html': '<h1>first</h1>\n',
};

type CheckRun = {
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
};

/** Waits until every "Slipway build / web" check run on `sha` is completed, and returns them. */
async function completedBuildRuns(
  platform: PushPlatform,
  sha: string,
  timeoutMs = 60_000,
): Promise<CheckRun[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = (
      platform.fake.checkRuns({ owner: platform.owner, repo: platform.name }) as CheckRun[]
    ).filter((run) => run.head_sha === sha && run.name === 'Slipway build / web');
    if (runs.length > 0 && runs.every((run) => run.status === 'completed')) return runs;
    if (Date.now() > deadline)
      throw new Error(`check runs on ${sha.slice(0, 7)} did not complete: ${JSON.stringify(runs)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Real builds and pushes; a loaded CI machine can take a while.
jest.setTimeout(180_000);

describe('push → image (GitHub App, intake, native builder; real Redis, engine and registry; fake GitHub)', () => {
  let platform: PushPlatform;

  beforeAll(async () => {
    platform = await startPushPlatform({ files });
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('a signed push becomes an image in the registry, a Release and a successful check run with a summary', async () => {
    const sha = platform.repo.sha;
    const answer = await platform.sendPush(sha);
    expect(answer.status).toBe(200);

    const release = await platform.waitForRelease('web', sha);
    expect(release).toMatchObject({
      tenant: platform.tenant,
      service: 'web',
      environment: 'production',
      commit: sha,
    });
    expect(release.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(release.config.port).toBe(8080);

    const [repository, tag] = [release.image.slice(0, release.image.lastIndexOf(':')), sha];
    const pushed = await platform.registry.imageExists({
      repository: repository.slice(repository.indexOf('/') + 1),
      tag,
    });
    expect(pushed?.digest).toBe(release.digest);

    const [run] = await completedBuildRuns(platform, sha);
    expect(run).toMatchObject({ conclusion: 'success' });
    expect(run?.output.summary).toContain(release.digest);

    expect(release.buildId).not.toBeNull();
    const build = await platform.repos.builds.require(
      buildKey({ tenant: platform.tenant, id: release.buildId! }),
    );
    expect(build.value).toMatchObject({ status: 'succeeded', releaseId: release.id, commit: sha });
  });

  it('the same delivery sent twice builds once', async () => {
    const sha = await platform.repo.commit({ 'index.html': '<h1>twice</h1>\n' });
    const deliveryId = `e2e-${sha.slice(0, 12)}`;
    const [first, second] = [
      await platform.sendPush(sha, { deliveryId }),
      await platform.sendPush(sha, { deliveryId }),
    ];
    expect([first.status, second.status]).toEqual([200, 200]);
    await platform.waitForRelease('web', sha);
    const runs = await completedBuildRuns(platform, sha);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.conclusion).toBe('success');
    const releases = (await platform.releases()).filter((release) => release.commit === sha);
    expect(releases).toHaveLength(1);
  });

  it('three quick pushes to the branch: only the newest is built, the older ones end cancelled or skipped', async () => {
    const shas: string[] = [];
    for (const n of [1, 2, 3])
      shas.push(await platform.repo.commit({ 'index.html': `<h1>quick ${n}</h1>\n` }));
    for (const sha of shas) expect((await platform.sendPush(sha)).status).toBe(200);
    const newest = shas[2] as string;

    await platform.waitForRelease('web', newest);
    const newestRuns = await completedBuildRuns(platform, newest);
    expect(newestRuns.map((run) => run.conclusion)).toEqual(['success']);
    for (const older of shas.slice(0, 2)) {
      // Superseded before its fan-out: a skipped check run (the intake saw a later push hold the
      // line); superseded in the queue or while building: cancelled by the builder. Never success.
      const runs = (
        platform.fake.checkRuns({ owner: platform.owner, repo: platform.name }) as CheckRun[]
      ).filter((run) => run.head_sha === older && run.name === 'Slipway build / web');
      if (runs.length > 0) {
        const done = await completedBuildRuns(platform, older);
        expect(done).toHaveLength(1);
        expect(['cancelled', 'skipped']).toContain(done[0]?.conclusion);
      }
    }
    const built = (await platform.releases()).filter((release) => shas.includes(release.commit ?? ''));
    expect(built.map((release) => release.commit)).toEqual([newest]);
  });
});
