import { type FakeGitHub, startFakeGitHub } from '@slipway/fakes';
import {
  GitHubBuildFeedback,
  GitHubInstallations,
  githubTarballSource,
  type SourceFor,
  type WorkerLogger,
} from '../../src/index.js';
import type { Source } from './build-harness.js';

/** The fake GitHub with one app, and the builder's real GitHub clients pointed at it. */
export interface GitHubSide {
  fake: FakeGitHub;
  installations: GitHubInstallations;
  feedback: GitHubBuildFeedback;
  sourceFor: SourceFor;
  /** Adds the source's git repository as `owner/name` to the app's installation. */
  addRepo(source: Source, name: string): { fullName: string; installationId: number };
  /** The check runs of `Slipway build / <service>` on the repo. */
  checkRuns(fullName: string): Array<Record<string, unknown>>;
  /** Bodies of every create/update of check runs on the repo, in order. */
  checkRunWrites(fullName: string): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function openGitHub(logger?: WorkerLogger): Promise<GitHubSide> {
  const fake = await startFakeGitHub();
  const installations = new GitHubInstallations({
    appId: fake.appId,
    privateKey: fake.privateKey,
    baseUrl: fake.baseUrl,
    ...(logger ? { logger } : {}),
  });
  const owner = 'acme';
  return {
    fake,
    installations,
    feedback: new GitHubBuildFeedback({ installations }),
    sourceFor: githubTarballSource({ installations }),
    addRepo(source, name) {
      const added = fake.addRepo({ owner, name, git: source.git });
      if (added.installationId === undefined) throw new Error('the fake did not install the app');
      return { fullName: added.fullName, installationId: added.installationId };
    },
    checkRuns(fullName) {
      const [o = '', r = ''] = fullName.split('/');
      return fake.checkRuns({ owner: o, repo: r });
    },
    checkRunWrites(fullName) {
      return fake.requests
        .filter(
          (request) =>
            (request.method === 'POST' || request.method === 'PATCH') &&
            request.path.startsWith(`/repos/${fullName}/check-runs`) &&
            request.status < 300,
        )
        .map((request) => request.body as Record<string, unknown>);
    },
    close: () => fake.close(),
  };
}
