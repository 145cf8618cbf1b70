import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError, type Repository, type StoredDocument } from '@slipway/state';

/** What a rewrite step decides: a new document, `null` to delete it, or `'keep'` to write nothing. */
export type Rewrite<T> = T | null | 'keep';

/**
 * Read-modify-write of one document with every write conditional (create `ifNoneMatch: '*'`, replace
 * and delete `ifMatch` the etag read), retried with jittered backoff on `ConflictError`. Unlike
 * `Repository.update` it can also delete. `change` may run several times, so it must be pure.
 */
export async function conditionalRewrite<T>(
  repository: Repository<T>,
  key: string,
  change: (current: T | undefined) => Rewrite<T>,
  attempts: number,
): Promise<StoredDocument<T> | undefined> {
  let lastConflict: ConflictError | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await repository.get(key);
    const next = change(current?.value);
    if (next === 'keep') return current;
    try {
      if (next === null) {
        if (current) await repository.delete(key, { ifMatch: current.etag });
        return undefined;
      }
      return current
        ? await repository.replace(next, { ifMatch: current.etag })
        : await repository.create(next);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      lastConflict = error;
      await sleep(Math.random() * Math.min(250, 10 * 2 ** attempt));
    }
  }
  throw lastConflict ?? new ConflictError(key, 'no attempt was made (attempts must be at least 1)');
}
