import type { Readable } from 'node:stream';

/** One message of Docker's build/push/pull progress stream (newline-delimited JSON). */
export interface DockerStreamMessage {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: { ID?: string; Tag?: string; Digest?: string; Size?: number };
}

/**
 * Yields Docker's progress messages as they arrive. Messages may span chunks or share one, so
 * the stream is split on newlines; a line that is not JSON is yielded as plain `stream` text
 * rather than dropped.
 */
export async function* readDockerMessages(stream: Readable): AsyncGenerator<DockerStreamMessage> {
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

function parseLine(line: string): DockerStreamMessage {
  try {
    return JSON.parse(line) as DockerStreamMessage;
  } catch {
    return { stream: `${line}\n` };
  }
}

/** Docker's error text from a message, when it carries one. */
export function messageError(message: DockerStreamMessage): string | undefined {
  return message.errorDetail?.message ?? message.error;
}
