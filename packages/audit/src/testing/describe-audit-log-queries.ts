import { expect, it } from '@jest/globals';
import type { StateStore } from '@slipway/state';
import type { AuditEntry } from '../audit-entry.js';
import { InvalidAuditQueryError } from '../audit-errors.js';
import type { AuditQuery } from '../audit-log.js';
import { StateAuditLog } from '../state-audit-log.js';
import { DAY, DAY0, entryInput, inBatches, type StoreAccess } from './audit-fixture.js';

/** Every page of a query, following cursors; fails if a page is over-full or the cursors loop. */
async function allPages(audit: StateAuditLog, query: AuditQuery): Promise<AuditEntry[][]> {
  const pages: AuditEntry[][] = [];
  let cursor: string | undefined;
  do {
    const page = await audit.query({ ...query, ...(cursor !== undefined ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(query.limit ?? 100);
    pages.push(page.items);
    cursor = page.cursor;
  } while (cursor !== undefined && pages.length < 100);
  expect(cursor).toBeUndefined();
  return pages;
}

function newestFirst(entries: AuditEntry[]): AuditEntry[] {
  return [...entries].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

const ids = (entries: AuditEntry[]) => entries.map((entry) => entry.id);

/** Counts the store requests a query makes. */
function countingStore(inner: StateStore): { store: StateStore; counts: { list: number; get: number } } {
  const counts = { list: 0, get: 0 };
  const store: StateStore = {
    get: (key) => {
      counts.get += 1;
      return inner.get(key);
    },
    list: (prefix, options) => {
      counts.list += 1;
      return inner.list(prefix, options);
    },
    put: (key, value, options) => inner.put(key, value, options),
    delete: (key, options) => inner.delete(key, options),
    close: () => inner.close(),
  };
  return { store, counts };
}

/** Filters, time ranges, pagination and tenant isolation. */
export function describeAuditLogQueries(store: StoreAccess): void {
  it('filters by actor and by action, exactly or by prefix', async () => {
    const audit = new StateAuditLog({ store: store() });
    const actions = [
      'member.add',
      'member.remove',
      'members.sync',
      'member',
      'token.create',
      'policy.update',
    ];
    const entries = await inBatches(
      6,
      actions.map(
        (action, index) => () =>
          audit.append(
            entryInput({
              action,
              at: DAY0 + index,
              actor: { kind: 'user', id: index % 2 ? 'u-bob' : 'u-alice' },
            }),
          ),
      ),
    );
    const pick = (...indexes: number[]) => newestFirst(indexes.map((index) => entries[index]!));
    expect((await audit.query({ tenant: 'acme', action: 'member.add' })).items).toEqual(pick(0));
    expect((await audit.query({ tenant: 'acme', action: 'member.' })).items).toEqual(pick(0, 1));
    expect((await audit.query({ tenant: 'acme', action: 'member' })).items).toEqual(pick(3));
    expect((await audit.query({ tenant: 'acme', actor: 'u-bob' })).items).toEqual(pick(1, 3, 5));
    expect((await audit.query({ actor: 'u-alice', action: 'token.' })).items).toEqual(pick(4));
    expect((await audit.query({ tenant: 'acme', actor: 'u-nobody' })).items).toEqual([]);
  });

  it('filters by since and until across day folders, bounds included', async () => {
    const audit = new StateAuditLog({ store: store() });
    // Two entries a day for six days: 01:00 and 23:00 UTC.
    const times = [0, 1, 2, 3, 4, 5].flatMap((day) => [
      DAY0 + day * DAY + 3_600_000,
      DAY0 + day * DAY + 23 * 3_600_000,
    ]);
    const entries = await inBatches(
      12,
      times.map((at) => () => audit.append(entryInput({ at }))),
    );
    const between = (since: number, until: number) =>
      newestFirst(entries.filter((entry) => entry.at >= since && entry.at <= until));

    const since = times[3]!;
    const until = times[8]!;
    expect((await audit.query({ tenant: 'acme', since, until })).items).toEqual(between(since, until));
    expect((await audit.query({ tenant: 'acme', since })).items).toEqual(
      between(since, Number.MAX_SAFE_INTEGER),
    );
    expect((await audit.query({ tenant: 'acme', until })).items).toEqual(between(0, until));
    expect((await audit.query({ since: DAY0 + 2 * DAY, until: DAY0 + 3 * DAY - 1 })).items).toEqual(
      between(DAY0 + 2 * DAY, DAY0 + 3 * DAY - 1),
    );
    expect((await audit.query({ tenant: 'acme', until: DAY0 - 1 })).items).toEqual([]);
    expect((await audit.query({ tenant: 'acme', since: DAY0 + 10 * DAY })).items).toEqual([]);
    // An until long after the last entry, and a since long before the first, change nothing.
    expect((await audit.query({ tenant: 'acme', since: 0, until: DAY0 + 400 * DAY })).items).toEqual(
      newestFirst(entries),
    );
  });

  it('pages through 100 entries newest first, with no duplicates and no gaps', async () => {
    const audit = new StateAuditLog({ store: store() });
    // 90 minutes apart: 100 entries span about six days, so pages cross day folders.
    const entries = await inBatches(
      25,
      Array.from(
        { length: 100 },
        (_, index) => () => audit.append(entryInput({ at: DAY0 + index * 90 * 60_000 })),
      ),
    );

    const pages = await allPages(audit, { tenant: 'acme', limit: 40 });
    expect(pages.map((page) => page.length)).toEqual([40, 40, 20]);
    expect(ids(pages.flat())).toEqual(ids(newestFirst(entries)));
    expect(new Set(ids(pages.flat())).size).toBe(100);
    // The same through the admins' index.
    const adminPages = await allPages(audit, { limit: 40 });
    expect(ids(adminPages.flat())).toEqual(ids(newestFirst(entries)));
  });

  it('pages the same across store pages, filters and time ranges', async () => {
    const audit = new StateAuditLog({ store: store() });
    // 90 minutes apart: 80 entries span five days.
    const entries = await inBatches(
      20,
      Array.from(
        { length: 80 },
        (_, index) => () =>
          audit.append(
            entryInput({ at: DAY0 + index * 90 * 60_000, actor: { kind: 'user', id: `u-${index % 3}` } }),
          ),
      ),
    );
    // Small LIST pages and reads make pages end in the middle of store pages and read batches.
    const small = new StateAuditLog({ store: store(), listPageSize: 7, readConcurrency: 3 });
    for (const log of [audit, small]) {
      expect(ids((await allPages(log, { tenant: 'acme', limit: 9 })).flat())).toEqual(
        ids(newestFirst(entries)),
      );
      const byActor = (await allPages(log, { tenant: 'acme', actor: 'u-1', limit: 4 })).flat();
      expect(ids(byActor)).toEqual(ids(newestFirst(entries.filter((entry) => entry.actor.id === 'u-1'))));
      const since = entries[10]!.at;
      const until = entries[70]!.at;
      const ranged = await allPages(log, { since, until, limit: 25 });
      expect(ranged.map((page) => page.length)).toEqual([25, 25, 11]);
      expect(ids(ranged.flat())).toEqual(ids(newestFirst(entries.slice(10, 71))));
      // Small pages end inside since's day folder, before the first key older than since.
      const finer = await allPages(log, { tenant: 'acme', since, until, limit: 5 });
      expect(ids(finer.flat())).toEqual(ids(newestFirst(entries.slice(10, 71))));
    }
  });

  it('keeps a page to one LIST per day folder it needs and one GET per entry returned', async () => {
    const audit = new StateAuditLog({ store: store() });
    const entries = await inBatches(
      30,
      Array.from(
        { length: 60 },
        (_, index) => () => audit.append(entryInput({ at: DAY0 + index * 2 * 3_600_000 })),
      ),
    );
    const counted = countingStore(store());
    const reader = new StateAuditLog({ store: counted.store });
    expect((await reader.query({ tenant: 'acme', limit: 20 })).items).toEqual(
      newestFirst(entries).slice(0, 20),
    );
    expect(counted.counts).toEqual({ list: 1, get: 20 });

    // 12 entries a day; until just after day 3 began: the prefixes start at day 3's folder, and the page
    // fills from day 3 (1 entry), day 2 (12) and day 1 (7): one LIST per day folder.
    counted.counts.list = 0;
    counted.counts.get = 0;
    const until = DAY0 + 3 * DAY + 1;
    const page = await reader.query({ tenant: 'acme', until, limit: 20 });
    expect(page.items).toEqual(newestFirst(entries.filter((entry) => entry.at <= until)).slice(0, 20));
    expect(counted.counts).toEqual({ list: 3, get: 20 });
  });

  it('never shows a tenant another tenant entries, and refuses cursors of another scope', async () => {
    const audit = new StateAuditLog({ store: store() });
    const tenants = ['acme', 'globex', 'acme2'];
    const entries = await inBatches(
      30,
      Array.from(
        { length: 90 },
        (_, index) => () =>
          audit.append(entryInput({ tenant: tenants[index % 3]!, at: DAY0 + index * 60 * 60_000 })),
      ),
    );
    for (const tenant of tenants) {
      const seen = (await allPages(audit, { tenant, limit: 7 })).flat();
      expect(seen.every((entry) => entry.tenant === tenant)).toBe(true);
      expect(ids(seen)).toEqual(ids(newestFirst(entries.filter((entry) => entry.tenant === tenant))));
    }
    const acmePage = await audit.query({ tenant: 'acme', limit: 5 });
    expect(acmePage.cursor).toBeDefined();
    const stolen = audit.query({ tenant: 'globex', limit: 5, cursor: acmePage.cursor! });
    await expect(stolen).rejects.toThrow(InvalidAuditQueryError);
    await expect(audit.query({ limit: 5, cursor: acmePage.cursor! })).rejects.toThrow(
      /not a cursor of this query/,
    );
  });
}
