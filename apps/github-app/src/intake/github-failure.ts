import { UnrecoverableError } from 'bullmq';

/** The HTTP status of an Octokit RequestError, or undefined for anything else (network, bugs). */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Rate limits (429, or 403 with no requests left), 5xx and network failures pass; invalid data
 * (ZodError, QueueError) does not — the same job would fail the same way.
 */
export function isTransient(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'ZodError' || name === 'QueueError') return false;
  const status = statusOf(error);
  if (status === undefined || status >= 500 || status === 429) return true;
  if (status !== 403) return false;
  const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers;
  return headers?.['x-ratelimit-remaining'] === '0' || headers?.['retry-after'] !== undefined;
}

/**
 * The sample-controller discipline for one job: a transient GitHub error is rethrown, so
 * BullMQ retries it with backoff; any other client error (403 without the permission, a
 * suspended installation, 422) will not heal by retrying, so the job fails at once with
 * UnrecoverableError, saying what to check.
 */
export function classifyFailure(error: unknown, doing: string): Error {
  if (isTransient(error)) return error instanceof Error ? error : new Error(String(error));
  const status = statusOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  if (status === undefined)
    return new UnrecoverableError(`${doing} failed on invalid data: ${reason}. Not retried.`);
  return new UnrecoverableError(
    `${doing} failed with GitHub ${status}: ${reason}. Not retried; check the app's permissions (contents: read, checks: write) and that the installation is not suspended, then redeliver the webhook.`,
  );
}
