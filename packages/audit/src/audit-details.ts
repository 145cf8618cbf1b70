import type { z } from 'zod';

/** Largest `details` object, in bytes of its JSON: a few ids, names and counts, never a request body. */
export const AUDIT_DETAILS_MAX_BYTES = 2048;

/** A details key: a short identifier (`name`, `oldRole`, `replicas`, `image.tag`). */
export const AUDIT_DETAILS_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Words that name a secret (or a value that may be one) wherever they appear in a key. */
const SECRET_WORDS = new Set([
  'value',
  'values',
  'secret',
  'secrets',
  'token',
  'tokens',
  'password',
  'passwords',
  'passwd',
  'pwd',
  'passphrase',
  'credential',
  'credentials',
  'apikey',
  'privatekey',
  'authorization',
  'cookie',
  'cookies',
]);

/** Words that, followed by `key`, name key material (`apiKey`, `private_key`, `access-key`). */
const KEY_MATERIAL_WORDS = new Set(['api', 'private', 'access', 'signing', 'encryption']);

/** `oldRole` → ['old', 'role']; `API_KEY` → ['api', 'key']; `image.tag` → ['image', 'tag']. */
function wordsOf(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/**
 * True when a details key is named like something that holds a secret: `value`, `secret`, `token`,
 * `password`, `apiKey`, `privateKey`, `cookie`… (also inside longer names such as `newToken` or
 * `db_password`). Such keys are refused outright rather than redacted, so a secret is never written.
 */
export function isSecretLikeDetailKey(key: string): boolean {
  const words = wordsOf(key);
  return words.some(
    (word, index) =>
      SECRET_WORDS.has(word) || (word === 'key' && index > 0 && KEY_MATERIAL_WORDS.has(words[index - 1]!)),
  );
}

/**
 * The `details` rules that a plain zod shape cannot say: key names, no secret-looking keys and the
 * size cap. Used as the schema's `superRefine`, so stored entries are held to the same rules.
 */
export function checkAuditDetails(details: Record<string, unknown>, context: z.RefinementCtx): void {
  for (const key of Object.keys(details)) {
    if (!AUDIT_DETAILS_KEY_PATTERN.test(key)) {
      context.addIssue({
        code: 'custom',
        path: [key],
        message:
          'a details key must start with a letter and hold at most 64 letters, digits, ".", "_" or "-"',
      });
    } else if (isSecretLikeDetailKey(key)) {
      context.addIssue({
        code: 'custom',
        path: [key],
        message:
          `"${key}" looks like it holds a secret, and audit entries must never contain secrets or values; ` +
          'record what changed by name instead (e.g. details.name = "DATABASE_URL", or target {type, id})',
      });
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(details), 'utf8');
  if (bytes > AUDIT_DETAILS_MAX_BYTES) {
    context.addIssue({
      code: 'custom',
      path: [],
      message:
        `details take ${bytes} bytes as JSON, more than the ${AUDIT_DETAILS_MAX_BYTES} allowed; ` +
        'keep them to a few ids, names and counts, never a request body',
    });
  }
}
