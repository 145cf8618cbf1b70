import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { ActionFailure } from './action-outcome.js';
import { engineMessage, statusOf } from './docker-errors.js';
import type { CredentialsFor } from './registry-credentials.js';

/**
 * Makes `image` present on the engine: nothing when it already is (a digest reference matches
 * only that exact image), else a pull with the credentials `credentialsFor` gives. Throws an
 * {@link ActionFailure} `PULL_FAILED` with the engine's words.
 */
export async function ensureImage(options: {
  docker: Docker;
  image: string;
  credentialsFor: CredentialsFor;
}): Promise<void> {
  const { docker, image, credentialsFor } = options;
  if (await hasImage(docker, image)) return;
  let authconfig: Awaited<ReturnType<CredentialsFor>>;
  try {
    authconfig = await credentialsFor(image);
  } catch (error) {
    throw new ActionFailure(
      'PULL_FAILED',
      `Could not get registry credentials to pull ${image}: ${engineMessage(error)}`,
      {
        cause: error,
      },
    );
  }
  try {
    const output = (await docker.pull(image, authconfig ? { authconfig } : {})) as Readable;
    // The engine reports most pull failures inside the progress stream, after a 200.
    for await (const message of readMessages(output)) {
      const error = message.errorDetail?.message ?? message.error;
      if (error !== undefined) throw new ActionFailure('PULL_FAILED', pullMessage(image, error));
    }
  } catch (error) {
    if (error instanceof ActionFailure) throw error;
    if (statusOf(error) === undefined) throw error;
    throw new ActionFailure('PULL_FAILED', pullMessage(image, engineMessage(error)), { cause: error });
  }
  if (!(await hasImage(docker, image)))
    throw new ActionFailure(
      'PULL_FAILED',
      pullMessage(image, 'the engine finished the pull without the image'),
    );
}

function pullMessage(image: string, reason: string): string {
  return `Pulling ${image} failed: ${reason.trim()}. Check that the image exists in its registry and that this host may pull it.`;
}

async function hasImage(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}

interface PullMessage {
  error?: string;
  errorDetail?: { message?: string };
}

async function* readMessages(stream: Readable): AsyncGenerator<PullMessage> {
  let buffered = '';
  for await (const chunk of stream) {
    buffered += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line !== '') yield parseLine(line);
      newline = buffered.indexOf('\n');
    }
  }
  if (buffered.trim() !== '') yield parseLine(buffered.trim());
}

function parseLine(line: string): PullMessage {
  try {
    return JSON.parse(line) as PullMessage;
  } catch {
    return {};
  }
}
