import { authenticate, authorizeRepo } from '../authorize.js';
import { authorizeUser, ORG_READ_SCOPES } from '../authorize-user.js';
import type { RepoRole } from '../fake-state.js';
import { GitHubError, notFound } from '../github-error.js';
import { accountJson, orgMembershipJson } from '../github-shapes.js';
import { json, type Route, type RouteContext, type RouteResponse, route } from '../router.js';

/** GitHub reports the legacy permission beside the role: maintain counts as write, triage as read. */
const LEGACY_PERMISSION: Record<RepoRole, 'admin' | 'write' | 'read'> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
};

/**
 * A user's token asking about someone's membership: GitHub answers members of the org (and
 * anyone about themselves); everyone else gets 403 in these words.
 */
function membershipSeenByUser(context: RouteContext): RouteResponse {
  const org = context.params.org ?? '';
  const username = context.params.username ?? '';
  const forbiddenMessage = `You must be a member of ${org} to see membership information for ${username}.`;
  const caller = authorizeUser(context, { scopes: ORG_READ_SCOPES, forbiddenMessage });
  const asksAboutSelf = caller.user.login.toLowerCase() === username.toLowerCase();
  if (!asksAboutSelf && context.state.orgMembership(org, caller.user.login)?.state !== 'active') {
    throw new GitHubError({
      status: 403,
      message: forbiddenMessage,
      reason: `${caller.user.login} is not an active member of ${org}`,
      headers: caller.headers,
    });
  }
  const membership = context.state.orgMembership(org, username);
  if (!membership) {
    throw new GitHubError({
      status: 404,
      message: 'Not Found',
      reason: `${username} is not a member of ${org}; use fake.setOrgMembership()`,
      headers: caller.headers,
    });
  }
  const orgAccount = context.state.account(org, 'Organization');
  const user = context.state.account(username);
  return json(200, orgMembershipJson(context.urls, orgAccount, user, membership), caller.headers);
}

/** Who may do what: a user's role on a repo, and org membership — both set per test. */
export const permissionsRoutes: Route[] = [
  route('GET', '/repos/:owner/:repo/collaborators/:username/permission', (context) => {
    const { repo } = authorizeRepo(context, { metadata: 'read' });
    const username = context.params.username ?? '';
    const role = context.state.collaboratorRole(repo.owner.login, repo.name, username);
    if (!role) {
      throw notFound(
        `${username} is not a collaborator of ${repo.owner.login}/${repo.name}; use fake.setCollaborator()`,
      );
    }
    return json(200, {
      permission: LEGACY_PERMISSION[role],
      role_name: role,
      user: { ...accountJson(context.urls, context.state.account(username)), role_name: role },
    });
  }),
  route('GET', '/orgs/:org/memberships/:username', (context) => {
    const caller = authenticate(context);
    if (caller.kind === 'user') return membershipSeenByUser(context);
    const org = context.params.org ?? '';
    const username = context.params.username ?? '';
    if (caller.installation.account.login.toLowerCase() !== org.toLowerCase()) {
      throw notFound(
        `installation ${caller.installation.id} is on ${caller.installation.account.login}, not ${org}`,
      );
    }
    if (!caller.token.permissions.members) {
      throw new GitHubError({
        status: 403,
        message: 'Resource not accessible by integration',
        reason: 'reading org memberships needs the members: read permission',
      });
    }
    const membership = context.state.orgMembership(org, username);
    if (!membership) throw notFound(`${username} is not a member of ${org}; use fake.setOrgMembership()`);
    return json(
      200,
      orgMembershipJson(
        context.urls,
        caller.installation.account,
        context.state.account(username),
        membership,
      ),
    );
  }),
];
