import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { defineRoute } from '../api/route.js';

const hour = 60 * 60 * 1000;

export const authRoutes = [
  defineRoute({
    id: 'auth.session',
    method: 'POST',
    url: '/v1/auth/sessions',
    summary: 'The dashboard exchanges a GitHub or Google sign-in for a short-lived user token',
    tags: ['identity'],
    auth: auth.dashboard,
    body: z.object({
      provider: z.enum(['github', 'google']),
      subject: z
        .string()
        .min(1)
        .max(200)
        .describe("The provider's stable user id (GitHub's numeric id, Google's sub)"),
      login: z.string().min(1).max(100).optional(),
      name: z.string().max(200).default(''),
      email: z.email().optional(),
      emailVerified: z.boolean().default(false).describe('Only a verified email links to an existing user'),
      ttlHours: z
        .int()
        .min(1)
        .max(24 * 7)
        .default(12),
    }),
    response: z.object({
      token: z.string().describe('A user token acting with the user’s memberships; shown this once'),
      expiresAt: z.string(),
      user: z.object({ id: z.string(), name: z.string(), admin: z.boolean() }),
    }),
    auditTarget: ({ body }) => ({ type: 'identity', id: `${body.provider}:${body.subject}` }),
    handler: async ({ body, services, request }) => {
      const user = await services.users.signIn({
        provider: body.provider,
        subject: body.subject,
        name: body.name,
        emailVerified: body.emailVerified,
        ...(body.login ? { login: body.login } : {}),
        ...(body.email ? { email: body.email } : {}),
      });
      // The audit entry names who signed in, not the dashboard that vouched for them.
      request.caller.actor = { kind: 'user', id: user.id };
      const now = services.now();
      const { token, record } = await services.tokens.createApiToken({
        user: user.id,
        name: `session ${new Date(now).toISOString()}`,
        expiresAt: now + body.ttlHours * hour,
        now,
      });
      return {
        token,
        expiresAt: record.expiresAt,
        user: { id: user.id, name: user.name, admin: user.admin },
      };
    },
  }),
];
