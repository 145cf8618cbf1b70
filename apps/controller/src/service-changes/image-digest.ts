import type { ImageRegistry } from '@slipway/cloud';
import { imageRegistry, normaliseRegistry } from '@slipway/core';
import type { Logger } from 'pino';

/** Thrown when the platform's registry cannot say what its own host is (its credentials failed). */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';
}

/**
 * The host of the platform's registry (`127.0.0.1:5000`, the ECR host), always allowed by the
 * policy; none without a registry. Credentials are cached by the registry, and only their
 * address is read here.
 */
export async function platformRegistryHosts(registry: ImageRegistry | undefined): Promise<string[]> {
  if (!registry) return [];
  try {
    return [normaliseRegistry((await registry.credentials()).serveraddress)];
  } catch (error) {
    throw new RegistryUnavailableError(
      'the platform registry did not answer, so the image cannot be checked against the policy; retry shortly',
      { cause: error },
    );
  }
}

/** `name:tag` or `name@sha256:…` split, as Docker reads a reference without its registry host. */
function splitReference(path: string): { repository: string; tag: string; digest?: string } {
  const at = path.indexOf('@');
  if (at !== -1) return { repository: path.slice(0, at), tag: '', digest: path.slice(at + 1) };
  const colon = path.lastIndexOf(':');
  return colon > path.lastIndexOf('/')
    ? { repository: path.slice(0, colon), tag: path.slice(colon + 1) }
    : { repository: path, tag: 'latest' };
}

export interface ResolveDigestInput {
  registry: ImageRegistry | undefined;
  platformRegistries: readonly string[];
  image: string;
  tenant: string;
  logger: Logger;
}

/**
 * The content digest an image service's release pins: the reference's own `@sha256:…`, else the
 * platform registry's answer for its tag. Null when the image is elsewhere, missing, or the
 * registry cannot be asked — creation never fails on it: the agent reports the pull error.
 */
export async function resolveImageDigest(input: ResolveDigestInput): Promise<string | null> {
  const host = imageRegistry(input.image);
  const hasHost = input.image.toLowerCase().startsWith(`${host}/`);
  const reference = splitReference(hasHost ? input.image.slice(host.length + 1) : input.image);
  if (reference.digest) return reference.digest;
  if (!input.registry || !hasHost || !input.platformRegistries.includes(host)) return null;
  try {
    return (
      (await input.registry.imageExists({ repository: reference.repository, tag: reference.tag }))?.digest ??
      null
    );
  } catch (error) {
    input.logger.warn(
      { err: error, tenant: input.tenant, image: input.image },
      'could not ask the platform registry for the image digest; the release pulls the tag as it is',
    );
    return null;
  }
}
