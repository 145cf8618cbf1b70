import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_KINDS = ['api', 'join', 'host'] as const;
/** api: a user's bearer token; join: lets a new host register once; host: an agent's bearer token. */
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** The recognisable start of each kind of token (so secret scanners and people can tell them apart). */
export const TOKEN_PREFIXES = { api: 'slw', join: 'slj', host: 'slh' } as const satisfies Record<
  TokenKind,
  string
>;

const KIND_OF_PREFIX = new Map<string, TokenKind>(
  Object.entries(TOKEN_PREFIXES).map(([kind, prefix]) => [prefix, kind as TokenKind]),
);

/** Token ids: 20 lowercase hex digits (80 random bits); they name the record and are safe to log. */
export const TOKEN_ID_PATTERN = /^[0-9a-f]{20}$/;
/** `<prefix>_<id>_<secret>`, the secret being 32 random bytes in base64url (43 characters). */
const TOKEN_PATTERN = /^(sl[wjh])_([0-9a-f]{20})_([A-Za-z0-9_-]{43})$/;
/** HTTP clients send `Authorization: Bearer <token>`; callers may pass the header value as it is. */
const BEARER_SCHEME = /^bearer\s+/i;

/** The parts of a bearer string. `secret` must never be logged or stored. */
export interface ParsedToken {
  kind: TokenKind;
  id: string;
  secret: string;
}

export function newTokenId(): string {
  return randomBytes(10).toString('hex');
}

export function newTokenSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function formatToken(token: ParsedToken): string {
  return `${TOKEN_PREFIXES[token.kind]}_${token.id}_${token.secret}`;
}

/** The parts of a token (optionally after `Bearer `), or undefined when it is not one. */
export function parseToken(bearer: string): ParsedToken | undefined {
  if (typeof bearer !== 'string') return undefined;
  const match = TOKEN_PATTERN.exec(bearer.trim().replace(BEARER_SCHEME, ''));
  const kind = match && KIND_OF_PREFIX.get(match[1]!);
  return kind ? { kind, id: match[2]!, secret: match[3]! } : undefined;
}

/**
 * Hashes token secrets for storage: `sha256:<hex>`, or `hmac-sha256:<hex>` keyed with a server-side
 * pepper, so a leaked state bucket alone cannot even be used to test guesses. Secrets are 256 random
 * bits, so a fast hash is enough (no password stretching needed).
 */
export class SecretHasher {
  readonly #pepper: Buffer | undefined;

  constructor(pepper?: string | Uint8Array) {
    if (pepper !== undefined && pepper.length < 16) {
      throw new RangeError(
        'A token pepper must be at least 16 bytes; generate one with `openssl rand -base64 32`.',
      );
    }
    this.#pepper = pepper === undefined ? undefined : Buffer.from(pepper);
  }

  hash(secret: string): string {
    return this.#pepper
      ? `hmac-sha256:${createHmac('sha256', this.#pepper).update(secret).digest('hex')}`
      : `sha256:${createHash('sha256').update(secret).digest('hex')}`;
  }

  /** Whether `secret` hashes to `stored`, compared in constant time. */
  matches(secret: string, stored: string): boolean {
    const expected = Buffer.from(stored);
    const actual = Buffer.from(this.hash(secret));
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}
