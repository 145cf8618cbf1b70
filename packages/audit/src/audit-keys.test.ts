import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { AUDIT_MAX_AT, auditEntryId } from './audit-entry.js';
import {
  auditEntryKeys,
  auditScopePrefix,
  dayPrefixesUntil,
  dayPrefixIsBefore,
  parseAuditKey,
} from './audit-keys.js';

const entryArbitrary = fc.record({
  at: fc.integer({ min: 0, max: AUDIT_MAX_AT }),
  random: fc.stringMatching(/^[0-9a-f]{16}$/),
  action: fc.constantFrom('login', 'member.add', 'token.revoke', 'host.join-token.create'),
});

describe('audit keys', () => {
  it('sort in the reverse order of ids, so listing is newest first', () => {
    fc.assert(
      fc.property(entryArbitrary, entryArbitrary, (one, two) => {
        const [a, b] = [one, two].map(({ at, random, action }) => {
          const id = auditEntryId(at, random);
          return { id, key: auditEntryKeys({ id, at, action, tenant: 'acme' })[0] };
        });
        if (a!.id === b!.id) return;
        expect(a!.id < b!.id).toBe(a!.key > b!.key);
      }),
      { numRuns: 2000 },
    );
  });

  it('say the time and action of their entry', () => {
    fc.assert(
      fc.property(entryArbitrary, fc.constantFrom('acme', null), ({ at, random, action }, tenant) => {
        const id = auditEntryId(at, random);
        const [scopeKey, allKey] = auditEntryKeys({ id, at, action, tenant });
        expect(parseAuditKey(scopeKey, auditScopePrefix(tenant ?? '_platform'))).toEqual({ at, action });
        expect(parseAuditKey(allKey, auditScopePrefix('_all'))).toEqual({ at, action });
        expect(parseAuditKey(allKey, auditScopePrefix('acme'))).toBeUndefined();
      }),
    );
  });

  it('put every entry at or before `until` under the prefixes listed for it', () => {
    fc.assert(
      fc.property(
        entryArbitrary,
        fc.integer({ min: 0, max: AUDIT_MAX_AT }),
        ({ at, random, action }, until) => {
          const id = auditEntryId(at, random);
          const [key] = auditEntryKeys({ id, at, action, tenant: 'acme' });
          const day = key.slice(auditScopePrefix('acme').length);
          const listed = dayPrefixesUntil(until).some((prefix) => day.startsWith(prefix));
          if (at <= until) expect(listed).toBe(true);
          // Listed prefixes may hold newer entries of until's own day, never of a later day.
          if (listed && at > until) expect(Math.floor(at / 86_400_000)).toBe(Math.floor(until / 86_400_000));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('tell when a day prefix lies wholly before `since`', () => {
    const since = Date.UTC(2025, 5, 14, 12); // inverted day 79746
    expect(dayPrefixIsBefore('79746', since)).toBe(false);
    expect(dayPrefixIsBefore('79747', since)).toBe(true);
    expect(dayPrefixIsBefore('7974', since)).toBe(false);
    expect(dayPrefixIsBefore('8', since)).toBe(true);
    expect(dayPrefixIsBefore('', since)).toBe(false);
  });
});
