import type { ImageRegistry } from '@slipway/cloud';
import { imageRegistry, normaliseRegistry } from '@slipway/core';

/** Pull credentials as the agent receives them (`expiresAt` as an ISO time). Secret: never logged. */
export interface PullCredentials {
  serveraddress: string;
  username?: string;
  password?: string;
  expiresAt?: string;
}

/**
 * The platform registry's credentials when `image` is pulled from it, else `null` (the agent
 * pulls anonymously): a host never receives credentials it could send to a foreign registry.
 *
 * @example await pullCredentialsFor(registry, '127.0.0.1:5000/acme/web@sha256:…') // { serveraddress: '127.0.0.1:5000' }
 * @example await pullCredentialsFor(registry, 'ghcr.io/acme/web:1')               // null
 */
export async function pullCredentialsFor(
  registry: ImageRegistry | undefined,
  image: string,
): Promise<PullCredentials | null> {
  if (!registry) return null;
  const credentials = await registry.credentials();
  if (imageRegistry(image) !== normaliseRegistry(credentials.serveraddress)) return null;
  return {
    serveraddress: credentials.serveraddress,
    ...(credentials.username === undefined ? {} : { username: credentials.username }),
    ...(credentials.password === undefined ? {} : { password: credentials.password }),
    ...(credentials.expiresAt === undefined ? {} : { expiresAt: credentials.expiresAt.toISOString() }),
  };
}
