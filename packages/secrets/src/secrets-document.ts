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

/**
 * A service's secrets as stored: encrypted values by name. The ids repeat the key's, so a document
 * copied under another service's key is refused as corrupt (and would not decrypt anyway: the
 * context is authenticated with every value).
 */
export const secretsDocumentSchema = z.object({
  tenant: tenantIdSchema,
  environment: environmentNameSchema,
  service: serviceNameSchema,
  secrets: z.record(z.string().max(MAX_SECRET_NAME_LENGTH).regex(ENV_VAR_NAME_PATTERN), storedSecretSchema),
  updatedAt: timestampSchema,
});
export type SecretsDocument = z.infer<typeof secretsDocumentSchema>;
