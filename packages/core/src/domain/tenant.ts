import { z } from 'zod';
import { tenantIdSchema, timestampSchema } from './names.js';

export const MEMBER_ROLES = ['owner', 'developer', 'viewer'] as const;
/** owner: everything incl. members and policy; developer: deploy, scale, env; viewer: read only. */
export const memberRoleSchema = z.enum(MEMBER_ROLES);
export type MemberRole = z.infer<typeof memberRoleSchema>;

export const memberSchema = z.object({
  /** The user id of the identity provider, e.g. `github:12345`. */
  user: z.string().min(1).max(200),
  role: memberRoleSchema,
});
export type Member = z.infer<typeof memberSchema>;

/** A GitHub App installation whose repositories deploy into this tenant. */
export const githubInstallationSchema = z.object({
  installationId: z.int().positive(),
  /** The GitHub organisation or user login the app is installed on. */
  account: z.string().min(1).max(100),
});
export type GithubInstallation = z.infer<typeof githubInstallationSchema>;

/** The unit of isolation: everything else belongs to exactly one tenant. */
export const tenantSchema = z.object({
  id: tenantIdSchema,
  name: z.string().min(1).max(200),
  members: z.array(memberSchema),
  githubInstallations: z.array(githubInstallationSchema),
  createdAt: timestampSchema,
});
export type Tenant = z.infer<typeof tenantSchema>;
