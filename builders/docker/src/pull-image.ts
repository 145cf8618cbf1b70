import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { messageError, readDockerMessages } from './docker-json-stream.js';
import { BuildCancelledError, BuilderError, PullFailedError } from './errors.js';
import type { RegistryAuth } from './push-image.js';

export interface PullImageOptions {
  docker: Docker;
  /** `repo@sha256:…` (or `repo:tag`): what to pull. */
  reference: string;
  /** Sent to the engine only; never logged. */
  authconfig: RegistryAuth;
  signal?: AbortSignal;
}

/**
 * Whether the engine already holds `reference` (a digest reference matches only that exact
 * image), so a pull — a registry round trip — can be skipped.
 */
export async function hasImage(docker: Docker, reference: string): Promise<boolean> {
  try {
    await docker.getImage(reference).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

/**
 * Pulls `reference` into the engine with `authconfig`, reading the progress stream to its end
 * (the engine reports failures inside the stream, after a 200). Throws {@link PullFailedError}
 * with the engine's words, or {@link BuildCancelledError} when `signal` fires.
 *
 * @example
 * await pullImage({ docker, reference: `127.0.0.1:5000/acme/web@${digest}`, authconfig: { serveraddress: '127.0.0.1:5000' } });
 */
export async function pullImage(options: PullImageOptions): Promise<void> {
  const { docker, reference, authconfig, signal } = options;
  if (signal?.aborted) throw new BuildCancelledError(`Pulling ${reference}`);
  try {
    const output = (await docker.pull(reference, {
      authconfig,
      ...(signal ? { abortSignal: signal } : {}),
    })) as Readable;
    for await (const message of readDockerMessages(output)) {
      const error = messageError(message);
      if (error !== undefined) throw new PullFailedError(reference, error.trim());
    }
  } catch (error) {
    if (signal?.aborted) throw new BuildCancelledError(`Pulling ${reference}`, { cause: error });
    if (error instanceof BuilderError) throw error;
    const status = (error as { statusCode?: number }).statusCode;
    if (status === undefined) throw error;
    throw new PullFailedError(reference, engineMessage(error), { cause: error });
  }
}

function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } }).json;
  if (json && typeof json.message === 'string') return json.message.trim();
  return error instanceof Error ? error.message : String(error);
}
