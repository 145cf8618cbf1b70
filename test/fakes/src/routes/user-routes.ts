import { type AuthorizedUser, authorizeUser, ORG_READ_SCOPES } from '../authorize-user.js';
import { GitHubError } from '../github-error.js';
import { authenticatedUserJson, organizationJson, orgMembershipJson } from '../github-shapes.js';
import { paginate } from '../pagination.js';
import { json, type Route, route } from '../router.js';

function notAMember(caller: AuthorizedUser, org: string): GitHubError {
  return new GitHubError({
    status: 404,
    message: 'Not Found',
    reason: `${caller.user.login} is neither an active nor a pending member of ${org}; use fake.setOrgMembership()`,
    headers: caller.headers,
  });
}

/**
 * Endpoints about the signed-in user, called with the user's own OAuth token: who they are,
 * their organizations, and their membership (role, state) of one organization.
 */
export const userRoutes: Route[] = [
  route('GET', '/user', (context) => {
    const caller = authorizeUser(context);
    return json(200, authenticatedUserJson(context.urls, caller.user), caller.headers);
  }),
  route('GET', '/user/orgs', (context) => {
    const caller = authorizeUser(context, {
      scopes: ORG_READ_SCOPES,
      forbiddenMessage: 'You need at least read:org scope or user scope to list your organizations.',
    });
    // A pending invitation is not a membership yet: GitHub lists only the orgs the user is in.
    const orgs = context.state
      .orgMembershipsOf(caller.user.login)
      .filter(({ membership }) => membership.state === 'active')
      .map(({ org }) => organizationJson(context.urls, org));
    const page = paginate(orgs, context.url);
    return json(200, page.items, { ...caller.headers, ...page.headers });
  }),
  route('GET', '/user/memberships/orgs/:org', (context) => {
    const caller = authorizeUser(context, {
      scopes: ORG_READ_SCOPES,
      forbiddenMessage: 'You do not have access to this organization membership.',
    });
    const org = context.params.org ?? '';
    const membership = context.state.orgMembership(org, caller.user.login);
    if (!membership) throw notAMember(caller, org);
    const orgAccount = context.state.account(org, 'Organization');
    return json(200, orgMembershipJson(context.urls, orgAccount, caller.user, membership), caller.headers);
  }),
];
