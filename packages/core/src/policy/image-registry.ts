/** Where Docker pulls images from when a reference names no registry. */
export const DEFAULT_REGISTRY = 'docker.io';

/**
 * The registry host (with port) an image reference pulls from, as Docker decides it: the part
 * before the first `/` when it contains `.` or `:`, is `localhost` or has capitals; otherwise
 * Docker Hub. Lower-cased, `index.docker.io` read as `docker.io`. Never throws.
 *
 * @example imageRegistry('nginx')                  // 'docker.io'
 * @example imageRegistry('ghcr.io/acme/web:1')     // 'ghcr.io'
 * @example imageRegistry('localhost:5000/web')     // 'localhost:5000'
 */
export function imageRegistry(image: string): string {
  const slash = image.indexOf('/');
  if (slash === -1) return DEFAULT_REGISTRY;
  const first = image.slice(0, slash);
  const isHost = /[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first;
  return isHost ? normaliseRegistry(first) : DEFAULT_REGISTRY;
}

/** A registry host as compared with the policy: lower-cased, Docker Hub's legacy name folded. */
export function normaliseRegistry(host: string): string {
  const lower = host.toLowerCase();
  return lower === 'index.docker.io' ? DEFAULT_REGISTRY : lower;
}
