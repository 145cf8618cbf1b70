import { applyPolicyPatch, defaultPolicy, type PolicyPatch, policySchema } from '@slipway/core';
import { z } from 'zod';
import { CorruptDocumentError } from './errors.js';
import { tenantPrefix } from './state-keys.js';
import type { StateStore } from './state-store.js';
import { updateDocument } from './update-document.js';

export const storedPolicySchema = z.object({
  policy: policySchema,
  /** Grows by one with every change; 0 is the default policy nobody has changed yet. */
  version: z.int().min(0),
  updatedAt: z.number().nullable(),
  updatedBy: z.string().nullable(),
});
export type StoredPolicy = z.infer<typeof storedPolicySchema>;

export class PolicyVersionConflict extends Error {
  override readonly name = 'PolicyVersionConflict';
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`the policy is at version ${actual}, not ${expected}; read it again and reapply the change`);
  }
}

const policyKey = (tenant: string) => `${tenantPrefix(tenant)}policy.json`;

/** Each tenant's policy, versioned; a tenant nobody configured has `defaultPolicy` at version 0. */
export class PolicyStore {
  readonly #store: StateStore;

  constructor(options: { store: StateStore }) {
    this.#store = options.store;
  }

  async get(tenant: string): Promise<StoredPolicy> {
    const key = policyKey(tenant);
    const document = await this.#store.get(key);
    if (!document) return { policy: defaultPolicy(tenant), version: 0, updatedAt: null, updatedBy: null };
    const parsed = storedPolicySchema.safeParse(document.value);
    if (!parsed.success) {
      throw new CorruptDocumentError(key, 'not a stored policy', {
        issues: parsed.error.issues.map((i) => ({ path: i.path, message: i.message })),
      });
    }
    return parsed.data;
  }

  /**
   * Applies `patch` (validated by `policyPatchSchema`) as one conditional write; with `ifVersion`,
   * only if nobody changed the policy since the caller read it.
   */
  async update(
    tenant: string,
    patch: PolicyPatch,
    options: { by: string; now: number; ifVersion?: number },
  ): Promise<StoredPolicy> {
    let result: StoredPolicy | undefined;
    await updateDocument(this.#store, policyKey(tenant), (current) => {
      const stored = current ? storedPolicySchema.parse(current.value) : undefined;
      const version = stored?.version ?? 0;
      if (options.ifVersion !== undefined && options.ifVersion !== version) {
        throw new PolicyVersionConflict(options.ifVersion, version);
      }
      const policy = applyPolicyPatch(stored?.policy ?? defaultPolicy(tenant), patch);
      result = { policy, version: version + 1, updatedAt: options.now, updatedBy: options.by };
      return result;
    });
    return result!;
  }
}
