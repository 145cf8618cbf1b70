import { expect, it } from '@jest/globals';
import { CorruptDocumentError } from '@slipway/state';
import { AUDIT_ENTRY_ID_PATTERN } from '../audit-entry.js';
import { DuplicateAuditEntryError, InvalidAuditEntryError, InvalidAuditQueryError } from '../audit-errors.js';
import { auditEntryKeys } from '../audit-keys.js';
import { StateAuditLog } from '../state-audit-log.js';
import { DAY, DAY0, entryInput, type StoreAccess } from './audit-fixture.js';

/** Round trip, scopes, append-only and validation. */
export function describeAuditLogBasics(store: StoreAccess): void {
  it('appends an entry with a time-ordered id and the clock time, and queries it back', async () => {
    const audit = new StateAuditLog({ store: store(), clock: () => DAY0 + 1234 });
    const entry = await audit.append(
      entryInput({ details: { role: 'developer', replicas: 3, force: false } }),
    );
    expect(entry.id).toMatch(AUDIT_ENTRY_ID_PATTERN);
    expect(entry.id.startsWith(`${DAY0 + 1234}-`)).toBe(true);
    expect(entry).toEqual({
      ...entryInput({ details: { role: 'developer', replicas: 3, force: false } }),
      id: entry.id,
      at: DAY0 + 1234,
    });
    expect(await audit.query({ tenant: 'acme' })).toEqual({ items: [entry] });
    expect(await audit.query()).toEqual({ items: [entry] });
    expect(await audit.query({ tenant: null })).toEqual({ items: [] });
    expect(await audit.query({ tenant: 'globex' })).toEqual({ items: [] });
  });

  it('keeps platform-level entries apart from tenants, and shows admins both', async () => {
    const audit = new StateAuditLog({ store: store() });
    const login = await audit.append(
      entryInput({
        tenant: null,
        action: 'login',
        actor: { kind: 'anonymous', id: 'alice@example.com' },
        outcome: 'denied',
        status: 401,
        at: DAY0,
      }),
    );
    const create = await audit.append(entryInput({ tenant: 'acme', action: 'tenant.create', at: DAY0 + 1 }));
    expect((await audit.query({ tenant: null })).items).toEqual([login]);
    expect((await audit.query({ tenant: 'acme' })).items).toEqual([create]);
    expect((await audit.query({})).items).toEqual([create, login]);
  });

  it('stores each entry twice (its scope and _all), never overwriting either', async () => {
    const audit = new StateAuditLog({ store: store(), randomHex: () => '0123456789abcdef' });
    const entry = await audit.append(entryInput({ at: DAY0, details: { attempt: 1 } }));
    const [scopeKey, allKey] = auditEntryKeys(entry);
    expect(scopeKey).toBe('audit/acme/79746_2025-06-14/8250140799999-fedcba9876543210.service.update.json');
    expect(allKey).toBe('audit/_all/79746_2025-06-14/8250140799999-fedcba9876543210.service.update.json');
    expect((await store().get(scopeKey))?.value).toEqual(entry);
    expect((await store().get(allKey))?.value).toEqual(entry);

    // The same id again (a broken random source) is refused, and the first entry stays as it was.
    const again = audit.append(entryInput({ at: DAY0, details: { attempt: 2 } }));
    await expect(again).rejects.toThrow(DuplicateAuditEntryError);
    await expect(again).rejects.toThrow(/append-only and never overwritten/);
    expect((await audit.query()).items).toEqual([entry]);
    expect((await store().get(scopeKey))?.value).toEqual(entry);
  });

  it('offers no way to change or remove an entry', () => {
    expect(Object.getOwnPropertyNames(StateAuditLog.prototype).sort()).toEqual([
      'append',
      'constructor',
      'query',
    ]);
  });

  it('refuses secret-looking and oversized details, and writes nothing', async () => {
    const audit = new StateAuditLog({ store: store() });
    for (const key of [
      'value',
      'secret',
      'newToken',
      'db_password',
      'apiKey',
      'PRIVATE_KEY',
      'authorization',
    ]) {
      const append = audit.append(
        entryInput({ action: 'secret.set', details: { name: 'DATABASE_URL', [key]: 'x' } }),
      );
      await expect(append).rejects.toThrow(InvalidAuditEntryError);
      await expect(append).rejects.toThrow(
        new RegExp(`details\\.${key}: "${key}" looks like it holds a secret`),
      );
    }
    const oversized = audit.append(entryInput({ details: { note: 'x'.repeat(2100) } }));
    await expect(oversized).rejects.toThrow(
      /details: details take \d+ bytes as JSON, more than the 2048 allowed/,
    );
    expect(await audit.query()).toEqual({ items: [] });
    expect(await store().list('')).toEqual({ items: [] });
  });

  it('refuses unknown fields (no request bodies) and names every bad field', async () => {
    const audit = new StateAuditLog({ store: store() });
    const bad = { ...entryInput(), action: 'Tenant Create', outcome: 'ok', body: { password: 'hunter2' } };
    const error = await audit.append(bad as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidAuditEntryError);
    const paths = (error as InvalidAuditEntryError).issues.map((issue) => issue.path.join('.'));
    expect(paths.sort()).toEqual(['', 'action', 'outcome']);
    expect((error as Error).message).toMatch(/body/);
  });

  it('cuts an over-long user agent rather than losing the entry', async () => {
    const audit = new StateAuditLog({ store: store() });
    const entry = await audit.append(entryInput({ source: { userAgent: 'a'.repeat(2000) } }));
    expect(entry.source.userAgent).toHaveLength(512);
  });

  it('rejects bad queries with field paths', async () => {
    const audit = new StateAuditLog({ store: store() });
    const cases: [object, RegExp][] = [
      [{ limit: 0 }, /limit/],
      [{ limit: 501 }, /limit/],
      [{ since: DAY0 + DAY, until: DAY0 }, /since must not be later than until/],
      [{ action: 'member..add' }, /action/],
      [{ tenant: '../etc' }, /tenant/],
      [{ cursor: 'not-a-cursor' }, /not a cursor of this query/],
    ];
    for (const [query, message] of cases) {
      const result = audit.query(query);
      await expect(result).rejects.toThrow(InvalidAuditQueryError);
      await expect(result).rejects.toThrow(message);
    }
  });

  it('refuses to return an entry filed under the wrong tenant', async () => {
    const audit = new StateAuditLog({ store: store() });
    const entry = await audit.append(entryInput({ tenant: 'globex', at: DAY0 }));
    const [globexKey] = auditEntryKeys(entry);
    await store().put(globexKey.replace('audit/globex/', 'audit/acme/'), entry, { ifNoneMatch: '*' });
    await expect(audit.query({ tenant: 'acme' })).rejects.toThrow(CorruptDocumentError);
    expect((await audit.query({ tenant: 'globex' })).items).toEqual([entry]);
  });
}
