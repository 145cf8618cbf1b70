import { z } from 'zod';
import { ConflictError } from './errors.js';
import type { StateStore } from './state-store.js';

/**
 * What the GitHub App learned of an installation from GitHub's `installation` webhooks: which
 * account (organisation or user) installed it. Written by the app; read here to bind it.
 */
export const installationRecordSchema = z.object({
  installationId: z.int().positive(),
  account: z.object({
    login: z.string().min(1).max(100),
    id: z.int().positive(),
    type: z.enum(['Organization', 'User']),
  }),
  suspended: z.boolean().default(false),
});
export type InstallationRecord = z.infer<typeof installationRecordSchema>;

/** Which tenant an installation deploys into: one document per installation, so it can bind only once. */
const bindingSchema = z.object({ installationId: z.int().positive(), tenant: z.string() });

/** Where an installation's record lives; not under a tenant, since the tenant is what it leads to. */
export const installationKey = (id: number) => `github/installations/${id}.json`;
/** Where an installation's tenant binding lives. */
export const bindingKey = (id: number) => `github/bindings/${id}.json`;

/** The installation is bound to another tenant; unbind it there first. */
export class InstallationBoundElsewhere extends Error {
  override readonly name = 'InstallationBoundElsewhere';
}

/**
 * GitHub App installation records and their tenant bindings in the state store. The GitHub App
 * writes records (from `installation` webhooks) and reads bindings; the controller binds.
 */
export class Installations {
  readonly #store: StateStore;

  constructor(options: { store: StateStore }) {
    this.#store = options.store;
  }

  async get(installationId: number): Promise<InstallationRecord | undefined> {
    const document = await this.#store.get(installationKey(installationId));
    return document ? installationRecordSchema.parse(document.value) : undefined;
  }

  /** Records an installation (the GitHub App does this on `installation.created`). */
  async record(record: InstallationRecord): Promise<void> {
    await this.#store.put(installationKey(record.installationId), installationRecordSchema.parse(record));
  }

  async boundTenant(installationId: number): Promise<string | undefined> {
    const document = await this.#store.get(bindingKey(installationId));
    return document ? bindingSchema.parse(document.value).tenant : undefined;
  }

  /** Binds to `tenant`; idempotent for the same tenant, refused for another. */
  async bind(installationId: number, tenant: string): Promise<void> {
    try {
      await this.#store.put(bindingKey(installationId), { installationId, tenant }, { ifNoneMatch: '*' });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      if ((await this.boundTenant(installationId)) !== tenant) {
        throw new InstallationBoundElsewhere(
          `installation ${installationId} is already bound to another tenant`,
        );
      }
    }
  }

  async unbind(installationId: number, tenant: string): Promise<void> {
    const document = await this.#store.get(bindingKey(installationId));
    if (document && bindingSchema.parse(document.value).tenant === tenant) {
      await this.#store.delete(bindingKey(installationId), { ifMatch: document.etag });
    }
  }
}
