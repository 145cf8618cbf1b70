import {
  ENV_VAR_NAME_PATTERN,
  environmentNameSchema,
  serviceNameSchema,
  tenantIdSchema,
  timestampSchema,
} from '@slipway/core';
import { z } from 'zod';
import { secretEnvelopeSchema } from './secret-envelope.js';
import { MAX_SECRET_NAME_LENGTH } from './secret-rules.js';

/** One stored secret: its encrypted value and when it was last set. */
export const storedSecretSchema = z.object({
  envelope: secretEnvelopeSchema,
  updatedAt: timestampSchema,
});

const storedSecretsSchema = z.record(
  z.string().max(MAX_SECRET_NAME_LENGTH).regex(ENV_VAR_NAME_PATTERN),
  storedSecretSchema,
);

/**
 * A service's secrets as stored: encrypted values by name. The ids repeat the key's, so a document
 * copied under another service's key is refused as corrupt (and would not decrypt anyway: the
 * context is authenticated with every value).
 */
export const serviceSecretsDocumentSchema = z.object({
  tenant: tenantIdSchema,
  environment: environmentNameSchema,
  service: serviceNameSchema,
  secrets: storedSecretsSchema,
  updatedAt: timestampSchema,
});
export type ServiceSecretsDocument = z.infer<typeof serviceSecretsDocumentSchema>;

/**
 * A tenant's own secrets as stored (`tenants/<tenant>/secrets/tenant.json`). `scope: 'tenant'` keeps it
 * apart from a service's document: copied under a service's key (or the reverse) it sits at the wrong
 * key and is refused as corrupt.
 */
export const tenantSecretsDocumentSchema = z.object({
  scope: z.literal('tenant'),
  tenant: tenantIdSchema,
  secrets: storedSecretsSchema,
  updatedAt: timestampSchema,
});
export type TenantSecretsDocument = z.infer<typeof tenantSecretsDocumentSchema>;

/** Either kind of secrets document; a tenant's is told apart by its `scope` tag. */
export const secretsDocumentSchema = z.union([tenantSecretsDocumentSchema, serviceSecretsDocumentSchema]);
export type SecretsDocument = z.infer<typeof secretsDocumentSchema>;
