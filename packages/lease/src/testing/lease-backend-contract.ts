import { describe, expect, it } from '@jest/globals';
import type { LeaseBackend } from '../lease-backend.js';
import { uniqueName } from './moto.js';

const ttlMs = 4000;

/**
 * The behaviour every `LeaseBackend` must have, written once and run against each implementation.
 * `make` is called inside each test (after the caller's beforeAll), so it may depend on set-up state.
 * Each test uses its own lease name; wall time is passed explicitly, so expiry needs no sleeping.
 */
export function describeLeaseBackendContract(name: string, make: () => LeaseBackend): void {
  describe(`LeaseBackend contract: ${name}`, () => {
    it('acquires a free lease with epoch 1 and stores it', async () => {
      const backend = make();
      const lease = uniqueName('free');
      const now = Date.now();
      const result = await backend.tryAcquire({ name: lease, owner: 'a', ttlMs, now });
      expect(result).toEqual({
        acquired: true,
        lease: { name: lease, owner: 'a', epoch: 1, expiresAt: now + ttlMs },
      });
      expect(await backend.read(lease)).toEqual({
        name: lease,
        owner: 'a',
        epoch: 1,
        expiresAt: now + ttlMs,
      });
    });

    it('refuses a second owner while the lease is valid, naming the holder', async () => {
      const backend = make();
      const lease = uniqueName('held');
      const now = Date.now();
      await backend.tryAcquire({ name: lease, owner: 'a', ttlMs, now });
      const refused = await backend.tryAcquire({ name: lease, owner: 'b', ttlMs, now: now + ttlMs });
      expect(refused).toEqual({
        acquired: false,
        holder: { name: lease, owner: 'a', epoch: 1, expiresAt: now + ttlMs },
      });
      expect((await backend.read(lease))?.owner).toBe('a');
    });

    it('lets another owner take over after expiry with epoch + 1', async () => {
      const backend = make();
      const lease = uniqueName('expired');
      const now = Date.now();
      await backend.tryAcquire({ name: lease, owner: 'a', ttlMs, now });
      const later = now + ttlMs + 1;
      const result = await backend.tryAcquire({ name: lease, owner: 'b', ttlMs, now: later });
      expect(result).toEqual({
        acquired: true,
        lease: { name: lease, owner: 'b', epoch: 2, expiresAt: later + ttlMs },
      });
    });

    it('gives the holder a new epoch when it acquires again', async () => {
      const backend = make();
      const lease = uniqueName('again');
      const now = Date.now();
      await backend.tryAcquire({ name: lease, owner: 'a', ttlMs, now });
      const again = await backend.tryAcquire({ name: lease, owner: 'a', ttlMs, now: now + 10 });
      expect(again.acquired && again.lease.epoch).toBe(2);
    });

    it('renews for the holder and its current epoch only', async () => {
      const backend = make();
      const lease = uniqueName('renew');
      const now = Date.now();
      await backend.tryAcquire({ name: lease, owner: 'a', ttlMs, now });
      const renewed = await backend.renew({ name: lease, owner: 'a', epoch: 1, ttlMs, now: now + 1000 });
      expect(renewed).toEqual({
        ok: true,
        lease: { name: lease, owner: 'a', epoch: 1, expiresAt: now + 1000 + ttlMs },
      });

      const byOther = await backend.renew({ name: lease, owner: 'b', epoch: 1, ttlMs, now: now + 1000 });
      expect(byOther.ok).toBe(false);
      expect(!byOther.ok && byOther.holder?.owner).toBe('a');

      await backend.tryAcquire({ name: lease, owner: 'a', ttlMs, now: now + 1100 }); // now epoch 2
      const oldEpoch = await backend.renew({ name: lease, owner: 'a', epoch: 1, ttlMs, now: now + 1200 });
      expect(oldEpoch.ok).toBe(false);
      expect((await backend.read(lease))?.expiresAt).toBe(now + 1100 + ttlMs);
    });

    it('refuses a renewal by the old holder after a takeover', async () => {
      const backend = make();
      const lease = uniqueName('deposed');
      const now = Date.now();
      await backend.tryAcquire({ name: lease, owner: 'a', ttlMs, now });
      await backend.tryAcquire({ name: lease, owner: 'b', ttlMs, now: now + ttlMs + 1 });
      const late = await backend.renew({ name: lease, owner: 'a', epoch: 1, ttlMs, now: now + ttlMs + 2 });
      expect(late).toEqual({
        ok: false,
        holder: { name: lease, owner: 'b', epoch: 2, expiresAt: now + 2 * ttlMs + 1 },
      });
    });

    it('refuses to renew a lease that was never taken', async () => {
      const backend = make();
      const result = await backend.renew({
        name: uniqueName('none'),
        owner: 'a',
        epoch: 1,
        ttlMs,
        now: Date.now(),
      });
      expect(result.ok).toBe(false);
    });

    it('release lets another owner acquire at once, and the epoch keeps growing', async () => {
      const backend = make();
      const lease = uniqueName('release');
      const now = Date.now();
      await backend.tryAcquire({ name: lease, owner: 'a', ttlMs, now });
      expect(await backend.release({ name: lease, owner: 'a', epoch: 1 })).toEqual({ released: true });
      const next = await backend.tryAcquire({ name: lease, owner: 'b', ttlMs, now: now + 1 });
      expect(next).toEqual({
        acquired: true,
        lease: { name: lease, owner: 'b', epoch: 2, expiresAt: now + 1 + ttlMs },
      });
    });

    it('ignores a release by a non-holder or an old epoch', async () => {
      const backend = make();
      const lease = uniqueName('norelease');
      const now = Date.now();
      await backend.tryAcquire({ name: lease, owner: 'a', ttlMs, now });
      await backend.tryAcquire({ name: lease, owner: 'a', ttlMs, now }); // epoch 2
      expect(await backend.release({ name: lease, owner: 'b', epoch: 2 })).toEqual({ released: false });
      expect(await backend.release({ name: lease, owner: 'a', epoch: 1 })).toEqual({ released: false });
      expect(await backend.read(lease)).toEqual({
        name: lease,
        owner: 'a',
        epoch: 2,
        expiresAt: now + ttlMs,
      });
      const refused = await backend.tryAcquire({ name: lease, owner: 'b', ttlMs, now: now + 1 });
      expect(refused.acquired).toBe(false);
    });

    it('lets exactly one of 20 concurrent acquirers win a free lease', async () => {
      const backend = make();
      const lease = uniqueName('race');
      const now = Date.now();
      const owners = Array.from({ length: 20 }, (_, i) => `owner-${i}`);
      const results = await Promise.all(
        owners.map((owner) => backend.tryAcquire({ name: lease, owner, ttlMs, now })),
      );
      const winners = results.flatMap((r) => (r.acquired ? [r.lease] : []));
      expect(winners).toHaveLength(1);
      const winner = winners[0]!;
      expect(winner.epoch).toBe(1);
      for (const r of results) if (!r.acquired) expect(r.holder?.owner).toBe(winner.owner);
      expect(await backend.read(lease)).toEqual(winner);
    });

    it('keeps epochs strictly increasing across holders, takeovers and releases', async () => {
      const backend = make();
      const lease = uniqueName('fence');
      let now = Date.now();
      const epochs: number[] = [];
      for (const owner of ['a', 'b', 'a', 'c', 'c']) {
        const result = await backend.tryAcquire({ name: lease, owner, ttlMs, now });
        if (!result.acquired) throw new Error(`expected ${owner} to acquire at ${now}`);
        epochs.push(result.lease.epoch);
        if (owner === 'b') await backend.release({ name: lease, owner, epoch: result.lease.epoch });
        else now += ttlMs + 1;
      }
      expect(epochs).toEqual([1, 2, 3, 4, 5]);
    });

    it('rejects with the abort reason when the signal is already aborted, changing nothing', async () => {
      const backend = make();
      const lease = uniqueName('abort');
      const reason = new Error('deadline');
      const signal = AbortSignal.abort(reason);
      await expect(
        backend.tryAcquire({ name: lease, owner: 'a', ttlMs, now: Date.now(), signal }),
      ).rejects.toBe(reason);
      expect(await backend.read(lease)).toBeUndefined();
    });

    it('rejects a non-positive ttl before touching the store', async () => {
      const backend = make();
      const lease = uniqueName('badttl');
      await expect(
        backend.tryAcquire({ name: lease, owner: 'a', ttlMs: 0, now: Date.now() }),
      ).rejects.toMatchObject({
        code: 'LEASE_INVALID_OPTIONS',
      });
      expect(await backend.read(lease)).toBeUndefined();
    });
  });
}
