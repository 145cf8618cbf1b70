import type { Sealed } from './aes-gcm.js';
import { SecretDecryptError } from './errors.js';
import { Secret } from './secret.js';
import type { SecretContext } from './secret-context.js';
import { type SecretEnvelope, secretEnvelopeSchema } from './secret-envelope.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The plaintext bytes of a value, whether it came as a string or already wrapped. */
export function plaintextBytes(plaintext: string | Secret): Buffer {
  const text = Secret.isSecret(plaintext) ? plaintext.reveal() : plaintext;
  if (typeof text !== 'string') throw new TypeError('A secret value must be a string or a Secret');
  return Buffer.from(text, 'utf8');
}

/** Wraps decrypted bytes and wipes the buffer (strings cannot be wiped; buffers can). */
export function secretFromBytes(bytes: Buffer, context: SecretContext, keyId: string): Secret {
  try {
    return new Secret(utf8.decode(bytes));
  } catch (error) {
    throw new SecretDecryptError('malformed-envelope', context, keyId, { cause: error });
  } finally {
    bytes.fill(0);
  }
}

/** Validates an envelope read from storage; a bad one is a `SecretDecryptError` (malformed-envelope). */
export function checkedEnvelope(envelope: unknown, context: SecretContext): SecretEnvelope {
  const parsed = secretEnvelopeSchema.safeParse(envelope);
  if (!parsed.success) {
    const kid = (envelope as { kid?: unknown } | null)?.kid;
    throw new SecretDecryptError('malformed-envelope', context, typeof kid === 'string' ? kid : undefined, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

export function sealedOf(envelope: SecretEnvelope): Sealed {
  return {
    iv: Buffer.from(envelope.iv, 'base64'),
    ct: Buffer.from(envelope.ct, 'base64'),
    tag: Buffer.from(envelope.tag, 'base64'),
  };
}

export function envelopeOf(kid: string, sealed: Sealed, edk?: Uint8Array): SecretEnvelope {
  return {
    v: 1,
    alg: 'A256GCM',
    kid,
    ...(edk ? { edk: Buffer.from(edk).toString('base64') } : {}),
    iv: sealed.iv.toString('base64'),
    ct: sealed.ct.toString('base64'),
    tag: sealed.tag.toString('base64'),
  };
}
