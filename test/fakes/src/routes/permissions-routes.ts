import { authorizeInstallation, authorizeRepo } from '../authorize.js';
import type { RepoRole } from '../fake-state.js';
import { GitHubError, notFound } from '../github-error.js';
import { accountJson } from '../github-shapes.js';
import { json, type Route, route } from '../router.js';

/** GitHub reports the legacy permission beside the role: maintain counts as write, triage as read. */
const LEGACY_PERMISSION: Record<RepoRole, 'admin' | 'write' | 'read'> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
};

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
    const caller = authorizeInstallation(context);
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
    return json(200, {
      url: `${context.urls.api}/orgs/${org}/memberships/${username}`,
      state: membership.state,
      role: membership.role,
      organization_url: `${context.urls.api}/orgs/${org}`,
      organization: accountJson(context.urls, caller.installation.account),
      user: accountJson(context.urls, context.state.account(username)),
    });
  }),
];
