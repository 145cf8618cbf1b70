import { describe, expect, it } from '@jest/globals';
import { isSecretLikeDetailKey } from './audit-details.js';
import { auditEntryId, parseAuditEntry } from './audit-entry.js';
import { InvalidAuditEntryError } from './audit-errors.js';

const at = Date.UTC(2025, 5, 14);
const valid = {
  id: auditEntryId(at, '0123456789abcdef'),
  at,
  tenant: 'acme',
  actor: { kind: 'host', id: 'host-1' },
  action: 'host.join-token.create',
  outcome: 'success',
  source: {},
};

function issuesOf(value: unknown): string[] {
  try {
    parseAuditEntry(value);
    return [];
  } catch (error) {
    if (!(error instanceof InvalidAuditEntryError)) throw error;
    return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  }
}

describe('audit entries', () => {
  it('accept a minimal entry and small, plain details', () => {
    expect(parseAuditEntry(valid)).toEqual(valid);
    const details = {
      name: 'DATABASE_URL',
      role: 'owner',
      replicas: 3,
      force: true,
      previous: null,
      keyName: 'k',
    };
    expect(parseAuditEntry({ ...valid, details }).details).toEqual(details);
  });

  it('tell secret-looking detail keys apart from harmless ones', () => {
    const secret = [
      'value',
      'newValue',
      'secret',
      'clientSecret',
      'token',
      'tokens',
      'access_token',
      'password',
      'DB_PASSWORD',
      'passwd',
      'apiKey',
      'API_KEY',
      'privateKey',
      'private-key',
      'accessKey',
      'authorization',
      'cookie',
      'credentials',
    ];
    const harmless = ['name', 'role', 'key', 'keyName', 'valid', 'count', 'monkey', 'passage', 'target.type'];
    expect(secret.filter((key) => !isSecretLikeDetailKey(key))).toEqual([]);
    expect(harmless.filter((key) => isSecretLikeDetailKey(key))).toEqual([]);
  });

  it('refuse details that are secret-looking, oversized, nested or oddly named', () => {
    expect(issuesOf({ ...valid, details: { password: 'x' } })).toEqual([
      expect.stringMatching(/^details\.password: "password" looks like it holds a secret/),
    ]);
    expect(issuesOf({ ...valid, details: { blob: 'x'.repeat(2040) } })).toEqual([
      expect.stringMatching(/^details: details take 2051 bytes as JSON, more than the 2048 allowed/),
    ]);
    expect(issuesOf({ ...valid, details: { body: { a: 1 } } })).toEqual([
      expect.stringMatching(/^details\.body: /),
    ]);
    expect(issuesOf({ ...valid, details: { 'two words': 1 } })).toEqual([
      expect.stringMatching(/^details\.two words: a details key must start with a letter/),
    ]);
  });

  it('refuse an id that does not carry the entry time, and tenant ids that are not DNS labels', () => {
    expect(issuesOf({ ...valid, at: at + 1 })).toEqual(['id: the id must start with the entry time `at`']);
    expect(issuesOf({ ...valid, tenant: '_platform' })).toEqual([expect.stringMatching(/^tenant: /)]);
    expect(issuesOf({ ...valid, actor: { kind: 'robot', id: 'r' } })).toEqual([
      expect.stringMatching(/^actor\.kind: /),
    ]);
  });
});
