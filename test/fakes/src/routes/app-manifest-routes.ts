import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { FakeGitHubState } from '../fake-state.js';
import { GitHubError, notFound } from '../github-error.js';
import { accountJson, nodeId } from '../github-shapes.js';
import { json, type Route, type RouteContext, route } from '../router.js';

/**
 * GitHub's app-manifest flow (probot's "register a GitHub App" page):
 *
 * 1. the browser POSTs a form with `manifest` (JSON) to `/settings/apps/new?state=…`
 *    (or `/organizations/{org}/settings/apps/new`); GitHub creates the app and redirects to the
 *    manifest's `redirect_url` with `?code=…&state=…`;
 * 2. the app's server exchanges the code, once and within an hour, with
 *    `POST /app-manifests/{code}/conversions` (no authentication) for the app's id, private key,
 *    webhook secret and OAuth client credentials.
 *
 * The fake has one app, so the "created" app is the fake's own (same id and slug) with a
 * **new private key**: from the conversion on, the fake accepts only JWTs signed with that key
 * (`fake.privateKey` is then stale). Use a fake of its own for a manifest test.
 */

const CODE_TTL_MS = 60 * 60 * 1000;

// Events GitHub delivers to every app and refuses in `default_events`.
const UNSUPPORTED_EVENTS = new Set(['installation', 'installation_repositories']);
// The permission each event needs, as GitHub checks it ("Default events are not supported by permissions").
const EVENT_PERMISSION: Record<string, string> = {
  push: 'contents',
  create: 'contents',
  delete: 'contents',
  release: 'contents',
  pull_request: 'pull_requests',
  pull_request_review: 'pull_requests',
  check_run: 'checks',
  check_suite: 'checks',
  deployment: 'deployments',
  deployment_status: 'deployments',
  issues: 'issues',
  issue_comment: 'issues',
  status: 'statuses',
};

interface Manifest {
  name?: string;
  url: string;
  description?: string;
  hook_attributes?: { url: string; active?: boolean };
  redirect_url?: string;
  public?: boolean;
  default_permissions?: Record<string, string>;
  default_events?: string[];
}

interface PendingCode {
  manifest: Manifest;
  owner: string | undefined;
  expiresAt: number;
}

const codesOf = new WeakMap<FakeGitHubState, Map<string, PendingCode>>();
function codes(state: FakeGitHubState): Map<string, PendingCode> {
  let map = codesOf.get(state);
  if (!map) {
    map = new Map();
    codesOf.set(state, map);
  }
  return map;
}

function invalidManifest(problems: string[]): GitHubError {
  return new GitHubError({
    status: 422,
    message: `The configuration does not appear to be a valid GitHub App manifest. ${problems.join('; ')}`,
  });
}

/** The manifest of the form, checked the way GitHub's registration page checks it. */
function parseManifest(body: unknown): Manifest {
  const form = new URLSearchParams(typeof body === 'string' ? body : '');
  const text = form.get('manifest');
  if (!text) throw invalidManifest(['the form has no "manifest" field']);
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw invalidManifest(['"manifest" is not JSON']);
  }
  if (typeof manifest !== 'object' || manifest === null)
    throw invalidManifest(['"manifest" is not an object']);
  const m = manifest as Record<string, unknown>;
  const problems: string[] = [];
  const isUrl = (value: unknown) => typeof value === 'string' && /^https?:\/\/\S+$/.test(value);
  if (!isUrl(m.url)) problems.push('Url must be a valid URL');
  const hook = m.hook_attributes as { url?: unknown } | undefined;
  if (hook !== undefined && !isUrl(hook?.url)) problems.push('Hook attributes url must be a valid URL');
  if (m.redirect_url !== undefined && !isUrl(m.redirect_url))
    problems.push('Redirect url must be a valid URL');
  const permissions = (m.default_permissions ?? {}) as Record<string, unknown>;
  const events = Array.isArray(m.default_events) ? (m.default_events as unknown[]).map(String) : [];
  const unsupported = events.filter((event) => UNSUPPORTED_EVENTS.has(event));
  if (unsupported.length > 0) problems.push(`Default events unsupported: ${unsupported.join(' and ')}`);
  const uncovered = events.filter((event) => {
    const permission = EVENT_PERMISSION[event];
    return permission !== undefined && permissions[permission] === undefined;
  });
  if (uncovered.length > 0) {
    problems.push(`Default events are not supported by permissions: ${uncovered.join(' and ')}`);
  }
  if (problems.length > 0) throw invalidManifest(problems);
  return m as unknown as Manifest;
}

function createFromManifest(context: RouteContext, owner: string | undefined) {
  const manifest = parseManifest(context.body);
  const state = context.query.get('state');
  const code = randomBytes(20).toString('hex');
  codes(context.state).set(code, { manifest, owner, expiresAt: context.state.nowMs() + CODE_TTL_MS });
  // GitHub falls back to the app's homepage when there is no redirect_url.
  const target = new URL(manifest.redirect_url ?? manifest.url);
  target.searchParams.set('code', code);
  if (state !== null) target.searchParams.set('state', state);
  return { status: 302, headers: { location: target.toString() }, body: undefined };
}

export const appManifestRoutes: Route[] = [
  route('POST', '/settings/apps/new', (context) => createFromManifest(context, undefined)),
  route('POST', '/organizations/:org/settings/apps/new', (context) =>
    createFromManifest(context, context.params.org),
  ),
  route('POST', '/app-manifests/:code/conversions', (context) => {
    const pending = codes(context.state).get(context.params.code ?? '');
    // A code works once, within the hour; anything else is GitHub's bare 404.
    if (!pending || pending.expiresAt < context.state.nowMs()) {
      throw notFound('unknown, used or expired manifest code');
    }
    codes(context.state).delete(context.params.code ?? '');
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    context.app.publicKey = publicKey;
    const { manifest } = pending;
    const owner = context.state.account(pending.owner ?? 'octocat', pending.owner ? 'Organization' : 'User');
    const now = context.state.nowIso();
    return json(201, {
      id: context.app.id,
      slug: context.app.slug,
      node_id: nodeId('App', context.app.id),
      owner: accountJson(context.urls, owner),
      name: manifest.name ?? context.app.name,
      description: manifest.description ?? null,
      external_url: manifest.url,
      html_url: `${context.urls.origin}/apps/${context.app.slug}`,
      created_at: now,
      updated_at: now,
      permissions: { metadata: 'read', ...manifest.default_permissions },
      events: manifest.default_events ?? [],
      client_id: `Iv1.${randomBytes(8).toString('hex')}`,
      client_secret: randomBytes(20).toString('hex'),
      webhook_secret: randomBytes(20).toString('hex'),
      pem: privateKey,
    });
  }),
];
