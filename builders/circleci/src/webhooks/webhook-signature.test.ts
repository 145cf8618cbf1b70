import { describe, expect, it } from '@jest/globals';
import { circleciSignature } from '@slipway/fakes';
import { verifyCircleciSignature } from './webhook-signature.js';

const body = Buffer.from('{"type":"workflow-completed"}');

describe('verifyCircleciSignature', () => {
  it('accepts the v1 HMAC of the raw body, also among other versions', () => {
    const header = circleciSignature(body.toString(), 's3cret');
    expect(verifyCircleciSignature(body, header, 's3cret')).toBe(true);
    expect(verifyCircleciSignature(body, `v2=abc, ${header}`, 's3cret')).toBe(true);
  });

  it('refuses another secret, another body, a missing or malformed header', () => {
    const header = circleciSignature(body.toString(), 's3cret');
    expect(verifyCircleciSignature(body, header, 'other')).toBe(false);
    expect(verifyCircleciSignature(Buffer.from('{}'), header, 's3cret')).toBe(false);
    expect(verifyCircleciSignature(body, undefined, 's3cret')).toBe(false);
    expect(verifyCircleciSignature(body, 'v1=zz', 's3cret')).toBe(false);
  });
});
