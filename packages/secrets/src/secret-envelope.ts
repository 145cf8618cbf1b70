import { z } from 'zod';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const base64 = z.string().regex(BASE64, 'must be base64');

/** Key ids: short, printable, safe in messages and documents. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}$/;

/**
 * One encrypted value as stored: AES-256-GCM with a random 96-bit IV and a 128-bit tag, base64 fields.
 * `kid` names the key that encrypted it (a local key id, or the key provider's key id). `edk`, present
 * only with envelope encryption (`DataKeyCipher`), is the per-value data key wrapped by that provider key.
 */
export const secretEnvelopeSchema = z.object({
  v: z.literal(1),
  alg: z.literal('A256GCM'),
  kid: z.string().regex(KEY_ID_PATTERN, 'must be a key id'),
  edk: base64.min(1).optional(),
  iv: base64.length(16, 'must be 12 bytes (16 base64 characters)'),
  ct: base64,
  tag: base64.length(24, 'must be 16 bytes (24 base64 characters)'),
});
export type SecretEnvelope = z.infer<typeof secretEnvelopeSchema>;
