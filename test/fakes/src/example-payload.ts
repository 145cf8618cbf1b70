import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';

/** Every webhook event name @octokit/webhooks-examples has payloads for. */
export type WebhookEventName = WebhookDefinition['name'];
/** The payload type of one event. */
export type WebhookPayload<E extends WebhookEventName> = WebhookDefinition<E>['examples'][number];

/** What to change in the picked example so it points at the test's repo, installation and commit. */
export interface ExamplePayloadOverrides {
  /** Pick an example with this `action` (e.g. `opened`, `synchronize`, `created`). */
  action?: string;
  /** `defaultBranch` defaults to `main` (the examples say `master`), like {@link createGitRepo}. */
  repository?: { owner: string; name: string; id?: number; defaultBranch?: string; private?: boolean };
  installationId?: number;
  /** The commit: push `after`/`head_commit.id`, PR `head.sha`, check suite/run `head_sha`, deployment `sha`. */
  sha?: string;
  /** Push: `refs/heads/<branch>` (a bare branch name is expanded); PR and check suite: the head branch. */
  ref?: string;
  /** Pull request number (`number` and `pull_request.number`). */
  pullRequestNumber?: number;
  /** Login of the user who triggered the event. */
  sender?: string;
}

type JsonObject = Record<string, unknown>;

let definitions: WebhookDefinition[] | undefined;

function loadDefinitions(): WebhookDefinition[] {
  // The package is a JSON file; createRequire avoids import attributes, which jest's ESM mode does not parse.
  definitions ??= createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];
  return definitions;
}

function child(parent: unknown, key: string): JsonObject | undefined {
  if (typeof parent !== 'object' || parent === null) return undefined;
  const value = (parent as JsonObject)[key];
  return typeof value === 'object' && value !== null ? (value as JsonObject) : undefined;
}

function setIfPresent(target: JsonObject | undefined, key: string, value: unknown): void {
  if (target && key in target) target[key] = value;
}

function pointRepository(
  target: JsonObject | undefined,
  repository: NonNullable<ExamplePayloadOverrides['repository']>,
): void {
  if (!target) return;
  const fullName = `${repository.owner}/${repository.name}`;
  target.name = repository.name;
  target.full_name = fullName;
  if (repository.id !== undefined) target.id = repository.id;
  if (repository.private !== undefined) target.private = repository.private;
  target.default_branch = repository.defaultBranch ?? 'main';
  setIfPresent(target, 'master_branch', repository.defaultBranch ?? 'main');
  setIfPresent(target, 'html_url', `https://github.com/${fullName}`);
  setIfPresent(target, 'url', `https://api.github.com/repos/${fullName}`);
  setIfPresent(target, 'clone_url', `https://github.com/${fullName}.git`);
  const owner = child(target, 'owner');
  if (owner) {
    owner.login = repository.owner;
    setIfPresent(owner, 'name', repository.owner);
  }
}

function pick<E extends WebhookEventName>(event: E, action: string | undefined): JsonObject {
  const definition = loadDefinitions().find((candidate) => candidate.name === event);
  if (!definition)
    throw new Error(`@octokit/webhooks-examples has no "${event}" event; check the event name.`);
  const examples = definition.examples as unknown as JsonObject[];
  const matching = examples.filter((example) => action === undefined || example.action === action);
  if (matching.length === 0) {
    throw new Error(
      `No "${event}" example with action "${action}"; available: ${definition.actions.join(', ')}.`,
    );
  }
  // Prefer what an installed app really receives: an installation, and for push a branch that was not deleted.
  const realistic = matching.find(
    (example) =>
      'installation' in example &&
      (event !== 'push' || (String(example.ref).startsWith('refs/heads/') && example.deleted === false)),
  );
  return structuredClone(realistic ?? matching[0]!);
}

function applySha(event: string, payload: JsonObject, sha: string): void {
  if (event === 'push') {
    payload.after = sha;
    setIfPresent(child(payload, 'head_commit'), 'id', sha);
    const commits = payload.commits;
    if (Array.isArray(commits) && commits.length > 0) setIfPresent(commits.at(-1) as JsonObject, 'id', sha);
  }
  setIfPresent(child(child(payload, 'pull_request'), 'head'), 'sha', sha);
  setIfPresent(child(payload, 'check_suite'), 'head_sha', sha);
  setIfPresent(child(payload, 'check_run'), 'head_sha', sha);
  setIfPresent(child(child(payload, 'check_run'), 'check_suite'), 'head_sha', sha);
  setIfPresent(child(payload, 'deployment'), 'sha', sha);
  if (event === 'status') payload.sha = sha;
}

function applyRef(event: string, payload: JsonObject, ref: string): void {
  const branch = ref.replace(/^refs\/heads\//, '');
  if (event === 'push') payload.ref = ref.startsWith('refs/') ? ref : `refs/heads/${ref}`;
  setIfPresent(child(child(payload, 'pull_request'), 'head'), 'ref', branch);
  setIfPresent(child(payload, 'check_suite'), 'head_branch', branch);
  setIfPresent(child(payload, 'deployment'), 'ref', branch);
}

/**
 * A real webhook payload from @octokit/webhooks-examples (a deep copy), pointed at the
 * test's repository, installation and commit.
 *
 * @example
 * const payload = examplePayload('push', { repository: { owner: 'acme', name: 'web' }, installationId, sha: repo.sha });
 * await sendWebhook(webhookUrl, { event: 'push', payload, secret: fake.webhookSecret });
 */
export function examplePayload<E extends WebhookEventName>(
  event: E,
  overrides: ExamplePayloadOverrides = {},
): WebhookPayload<E> {
  const payload = pick(event, overrides.action);
  if (overrides.repository) {
    pointRepository(child(payload, 'repository'), overrides.repository);
    const pullRequest = child(payload, 'pull_request');
    pointRepository(child(child(pullRequest, 'head'), 'repo'), overrides.repository);
    pointRepository(child(child(pullRequest, 'base'), 'repo'), overrides.repository);
  }
  if (overrides.installationId !== undefined) {
    payload.installation = { ...child(payload, 'installation'), id: overrides.installationId };
  }
  if (overrides.sha !== undefined) applySha(event, payload, overrides.sha);
  if (overrides.ref !== undefined) applyRef(event, payload, overrides.ref);
  if (overrides.pullRequestNumber !== undefined) {
    setIfPresent(payload, 'number', overrides.pullRequestNumber);
    setIfPresent(child(payload, 'pull_request'), 'number', overrides.pullRequestNumber);
  }
  if (overrides.sender !== undefined) setIfPresent(child(payload, 'sender'), 'login', overrides.sender);
  return payload as unknown as WebhookPayload<E>;
}
