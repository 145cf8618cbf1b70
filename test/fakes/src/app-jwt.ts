import { createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { GitHubError } from './github-error.js';

/** GitHub's own maximum lifetime of an app JWT. */
const MAX_JWT_LIFETIME_SECONDS = 10 * 60;
/** Clock skew GitHub tolerates between the app and itself. */
const CLOCK_SKEW_SECONDS = 60;

// GitHub's exact wording: @octokit/auth-app matches these to detect clock skew and retry.
const CANNOT_DECODE = 'A JSON web token could not be decoded';
const EXP_INVALID =
  "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
const EXP_TOO_FAR = "'Expiration time' claim ('exp') is too far in the future";
const IAT_INVALID =
  "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}

/**
 * Sign an app JWT (RS256) the way @octokit/auth-app does: iat 30 s in the past, exp 10 min later.
 * Tests use it to forge tokens — signed by another key, for another app, expired.
 *
 * @example
 * const jwt = createAppJwt({ appId: fake.appId, privateKey: fake.privateKey });
 * const octokit = new Octokit({ baseUrl: fake.baseUrl, auth: jwt });
 */
export function createAppJwt(options: {
  appId: number | string;
  privateKey: string | KeyObject;
  /** Seconds since the epoch; defaults to the real clock. */
  nowSeconds?: number;
  /** Lifetime counted from iat; GitHub refuses more than 600. */
  lifetimeSeconds?: number;
}): string {
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const iat = now - 30;
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({
      iat,
      exp: iat + (options.lifetimeSeconds ?? MAX_JWT_LIFETIME_SECONDS),
      iss: options.appId,
    }),
  );
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), options.privateKey);
  return `${header}.${payload}.${base64url(signature)}`;
}

function parseSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function rejectJwt(message: string, reason: string): never {
  throw new GitHubError({ status: 401, message, reason });
}

/**
 * Check an app JWT as GitHub does: RS256, signed by the app's key, `iss` the app id,
 * `iat` not in the future, `exp` in the future but at most 10 minutes away.
 * Throws a 401 {@link GitHubError} with GitHub's wording otherwise.
 */
export function verifyAppJwt(options: {
  jwt: string;
  appId: number;
  publicKey: KeyObject | string;
  nowSeconds: number;
}): void {
  const parts = options.jwt.split('.');
  if (parts.length !== 3)
    rejectJwt(CANNOT_DECODE, 'the bearer token is not a JWT (expected three dot-separated parts)');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = parseSegment(headerPart);
  const claims = parseSegment(payloadPart);
  if (!header || !claims) rejectJwt(CANNOT_DECODE, 'the JWT header or payload is not base64url JSON');
  if (header.alg !== 'RS256')
    rejectJwt(CANNOT_DECODE, `the JWT alg is ${String(header.alg)}; GitHub requires RS256`);
  const publicKey =
    typeof options.publicKey === 'string' ? createPublicKey(options.publicKey) : options.publicKey;
  const signed = verify(
    'sha256',
    Buffer.from(`${headerPart}.${payloadPart}`),
    publicKey,
    Buffer.from(signaturePart, 'base64url'),
  );
  if (!signed) rejectJwt(CANNOT_DECODE, "the JWT signature does not match the app's private key");
  if (String(claims.iss) !== String(options.appId)) {
    rejectJwt(CANNOT_DECODE, `the JWT iss is ${String(claims.iss)}; this fake's app id is ${options.appId}`);
  }
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > options.nowSeconds + CLOCK_SKEW_SECONDS) {
    rejectJwt(IAT_INVALID, `iat ${String(iat)} is missing, not an integer or in the future`);
  }
  if (typeof exp !== 'number' || exp <= options.nowSeconds) {
    rejectJwt(EXP_INVALID, `exp ${String(exp)} is missing or already passed (now ${options.nowSeconds})`);
  }
  if (exp > options.nowSeconds + MAX_JWT_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) {
    rejectJwt(EXP_TOO_FAR, `exp ${exp} is more than 10 minutes after now (${options.nowSeconds})`);
  }
}
