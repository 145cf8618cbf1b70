import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { messageError, readDockerMessages } from './docker-json-stream.js';
import { BuildCancelledError, BuilderError, PushFailedError, RegistryUnavailableError } from './errors.js';

/** Registry credentials as Docker's X-Registry-Auth wants them; `{ serveraddress }` alone for an open registry. */
export interface RegistryAuth {
  serveraddress: string;
  username?: string;
  password?: string;
}

export interface PushImageOptions {
  docker: Docker;
  /** Full image reference with tag, e.g. `127.0.0.1:5000/acme/web:<sha>`. */
  tag: string;
  /** Sent to the engine only; never logged. */
  authconfig: RegistryAuth;
  signal?: AbortSignal;
  /** Push progress lines ("<layer>: Pushed"), without byte counters. */
  onLog?: (line: string) => void;
}

export interface PushResult {
  /** Content digest of the pushed manifest, `sha256:<64 hex>`: what a Release pins. */
  digest: string;
}

const DIGEST_LINE = /digest: (sha256:[a-f0-9]{64})/;
// What the engine says when it cannot reach the registry at all: connection refused, DNS, timeouts, 5xx gateways.
const UNREACHABLE =
  /connection refused|no such host|i\/o timeout|dial tcp|connection reset|TLS handshake timeout|network is unreachable|: EOF|\b50[234]\b|Service Unavailable|Bad Gateway/i;

/** `repo[:tag]` split at the tag colon (a colon after the last slash; a registry port is not a tag). */
export function splitTag(reference: string): { repository: string; tag: string } {
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  if (colon > slash) return { repository: reference.slice(0, colon), tag: reference.slice(colon + 1) };
  return { repository: reference, tag: 'latest' };
}

function classify(tag: string, registry: string, detail: string, cause?: unknown): BuilderError {
  return UNREACHABLE.test(detail)
    ? new RegistryUnavailableError(registry, detail, { cause })
    : new PushFailedError(tag, detail, { cause });
}

/**
 * Pushes `tag` to its registry and returns the manifest digest the registry reported.
 * Throws {@link RegistryUnavailableError} when the registry cannot be reached (retry with
 * `withRegistryRetry`), {@link PushFailedError} when it refuses, {@link BuildCancelledError} on abort.
 *
 * @example
 * const { digest } = await pushImage({ docker, tag: plan.tag, authconfig: { serveraddress: '127.0.0.1:5000' } });
 */
export async function pushImage(options: PushImageOptions): Promise<PushResult> {
  const { docker, tag: reference, authconfig, signal, onLog = () => {} } = options;
  const { repository, tag } = splitTag(reference);
  const registry = authconfig.serveraddress;
  if (signal?.aborted) throw new BuildCancelledError(`Pushing ${reference}`);
  let digest: string | undefined;
  try {
    const output = (await docker
      .getImage(repository)
      .push({ tag, authconfig, ...(signal ? { abortSignal: signal } : {}) })) as Readable;
    for await (const message of readDockerMessages(output)) {
      const error = messageError(message);
      if (error !== undefined) throw classify(reference, registry, error.trim());
      if (message.aux?.Digest) digest = message.aux.Digest;
      const status = message.status;
      if (status === undefined || message.progress !== undefined) continue;
      const found = DIGEST_LINE.exec(status);
      if (found && digest === undefined) digest = found[1];
      onLog(message.id ? `${message.id}: ${status}` : status);
    }
  } catch (error) {
    if (signal?.aborted) throw new BuildCancelledError(`Pushing ${reference}`, { cause: error });
    if (error instanceof BuilderError) throw error;
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined) {
      const detail = error instanceof Error ? error.message : String(error);
      throw classify(reference, registry, detail, error);
    }
    throw error;
  }
  if (digest === undefined) throw new PushFailedError(reference, 'the registry did not report a digest');
  return { digest };
}
