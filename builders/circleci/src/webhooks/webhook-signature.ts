import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Whether `header` (CircleCI's `circleci-signature`) signs `rawBody` with `secret`. The header is
 * a comma-separated list of `<version>=<hex>`; only `v1` (HMAC-SHA256 of the raw body) is known,
 * and any matching `v1` entry is enough (CircleCI may add versions). Compared in constant time.
 *
 * @example verifyCircleciSignature(body, request.headers['circleci-signature'], secret.reveal())
 */
export function verifyCircleciSignature(
  rawBody: Buffer,
  header: string | undefined,
  secret: string,
): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return header.split(',').some((part) => {
    const [version, hex = ''] = part.trim().split('=', 2);
    if (version !== 'v1' || !/^[0-9a-f]{64}$/i.test(hex)) return false;
    return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
  });
}
