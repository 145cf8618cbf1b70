import { listAll, type StateStore, servicesPrefix } from '@slipway/state';
import { isPreviewEnvironment } from './preview-environment.js';

/**
 * How many previews the tenant has open, not counting `except`: the preview environments that
 * have services in the state store (`tenants/<t>/services/pr-<n>/…`). One LIST of the tenant's
 * service keys; nothing is read.
 */
export async function countOpenPreviews(store: StateStore, tenant: string, except: string): Promise<number> {
  const prefix = servicesPrefix(tenant);
  const environments = new Set<string>();
  for await (const { key } of listAll(store, prefix)) {
    const environment = key.slice(prefix.length).split('/')[0] ?? '';
    if (environment !== except && isPreviewEnvironment(environment)) environments.add(environment);
  }
  return environments.size;
}
