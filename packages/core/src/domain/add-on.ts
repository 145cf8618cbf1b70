import { z } from 'zod';
import { DNS_LABEL_PATTERN, imageReferenceSchema, recordIdSchema, tenantIdSchema } from './names.js';
import { envMapSchema, resourcesSchema } from './workload.js';

/** A system container run on every host of a tenant (log shipper, metrics collector), configured by admins. */
export const addOnSchema = z.object({
  id: recordIdSchema,
  tenant: tenantIdSchema,
  name: z.string().regex(DNS_LABEL_PATTERN),
  image: imageReferenceSchema,
  env: envMapSchema,
  resources: resourcesSchema,
  enabled: z.boolean(),
});
export type AddOn = z.infer<typeof addOnSchema>;
