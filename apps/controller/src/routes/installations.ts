import { githubInstallationSchema, tenantIdSchema } from '@slipway/core';
import { InstallationBoundElsewhere, type InstallationRecord } from '@slipway/state';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import type { Caller } from '../api/caller.js';
import { ApiError } from '../api/errors.js';
import { defineRoute } from '../api/route.js';
import type { ApiServices } from '../api/services.js';

const params = z.object({ tenant: tenantIdSchema });

/**
 * A tenant owner may bind an installation only if GitHub says they administer its account: an
 * admin of the organisation, or the user who installed the app on their own account. Checked with
 * their own GitHub token, which is used for these two calls and then dropped (never stored or logged).
 */
async function requireGitHubAdmin(
  caller: Caller,
  installation: InstallationRecord,
  githubToken: string | undefined,
  services: ApiServices,
): Promise<void> {
  if (caller.role === 'admin') return;
  const principal = caller.principal;
  const identity =
    principal?.kind === 'user' ? principal.user.identities.find((i) => i.provider === 'github') : undefined;
  if (!identity)
    throw ApiError.forbidden('binding a GitHub installation needs a user who signed in with GitHub');
  if (!githubToken) {
    throw ApiError.invalid(
      'send your GitHub token as githubToken, so GitHub can confirm you administer the account',
      [{ path: 'body.githubToken', message: 'required unless you are a platform admin' }],
    );
  }
  const { account } = installation;
  const check = await services.github.check(
    githubToken,
    account.type === 'Organization' ? account.login : undefined,
  );
  if (!check) throw ApiError.forbidden('GitHub refused the githubToken (bad credentials)');
  if (String(check.userId) !== identity.subject) {
    throw ApiError.forbidden('the githubToken belongs to another GitHub user than the one you signed in as');
  }
  const isAdmin =
    account.type === 'User'
      ? account.id === check.userId
      : check.membership?.role === 'admin' && check.membership.state === 'active';
  if (!isAdmin) {
    throw ApiError.forbidden(
      `GitHub says you are not an admin of '${account.login}'; ask one of its admins to bind it`,
    );
  }
}

export const installationRoutes = [
  defineRoute({
    id: 'installations.list',
    method: 'GET',
    url: '/v1/tenants/:tenant/installations',
    summary: 'GitHub App installations whose repositories deploy into this tenant',
    tags: ['github'],
    auth: auth.viewer,
    params,
    response: z.object({ items: z.array(githubInstallationSchema) }),
    handler: async ({ tenant }) => ({ items: tenant!.value.githubInstallations }),
  }),
  defineRoute({
    id: 'installations.bind',
    method: 'POST',
    url: '/v1/tenants/:tenant/installations',
    summary:
      "Bind a GitHub App installation to this tenant (owners who administer the installation's account, or admins)",
    tags: ['github'],
    auth: auth.owner,
    params,
    body: z.object({
      installationId: z.int().positive(),
      githubToken: z
        .string()
        .min(1)
        .max(500)
        .optional()
        .describe('Your GitHub token; used once to ask GitHub, never stored'),
    }),
    response: githubInstallationSchema,
    auditTarget: ({ body }) => ({ type: 'installation', id: String(body.installationId) }),
    handler: async ({ params, body, caller, tenant, services }) => {
      const installation = await services.installations.get(body.installationId);
      if (!installation) {
        throw ApiError.notFound(
          `installation ${body.installationId} (install the Slipway GitHub App on the account first; the app records it)`,
        );
      }
      await requireGitHubAdmin(caller, installation, body.githubToken, services);
      try {
        await services.installations.bind(body.installationId, params.tenant);
      } catch (error) {
        if (error instanceof InstallationBoundElsewhere) throw ApiError.conflict(error.message);
        throw error;
      }
      const bound = { installationId: body.installationId, account: installation.account.login };
      const others = tenant!.value.githubInstallations.filter(
        (i) => i.installationId !== body.installationId,
      );
      await services.repos.tenants.replace(
        { ...tenant!.value, githubInstallations: [...others, bound] },
        { ifMatch: tenant!.etag },
      );
      return bound;
    },
  }),
  defineRoute({
    id: 'installations.unbind',
    method: 'DELETE',
    url: '/v1/tenants/:tenant/installations/:installation',
    summary: 'Unbind a GitHub App installation: its pushes stop deploying here',
    tags: ['github'],
    auth: auth.owner,
    params: params.extend({ installation: z.coerce.number().int().positive() }),
    auditTarget: ({ params }) => ({ type: 'installation', id: String(params.installation) }),
    handler: async ({ params, tenant, services }) => {
      const bound = tenant!.value.githubInstallations;
      if (!bound.some((i) => i.installationId === params.installation)) {
        throw ApiError.notFound(`installation ${params.installation}`);
      }
      await services.repos.tenants.replace(
        {
          ...tenant!.value,
          githubInstallations: bound.filter((i) => i.installationId !== params.installation),
        },
        { ifMatch: tenant!.etag },
      );
      await services.installations.unbind(params.installation, params.tenant);
      return undefined;
    },
  }),
];
