import type { CheckResult } from './health-rules.js';

const MAX_ERROR = 500;

/**
 * One HTTP health check: GET `url` within `timeoutMs`. A 2xx or 3xx answer passes (redirects are not
 * followed: a redirect to a login page still means the server answers). Never throws: a refused
 * connection, a timeout or another status is a failed check whose error says what happened.
 *
 * @example await checkHttp({ url: 'http://127.0.0.1:32768/healthz', timeoutMs: 1000, signal })
 *   // { ok: false, error: 'GET /healthz answered HTTP 500' }
 */
export async function checkHttp(options: {
  url: string;
  timeoutMs: number;
  /** Stops the check when the prober stops (the answer is then not used). */
  signal: AbortSignal;
}): Promise<CheckResult> {
  const { url, timeoutMs, signal } = options;
  const path = new URL(url).pathname;
  try {
    const response = await fetch(url, {
      redirect: 'manual',
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
    // The body is not needed; cancelling it frees the connection. The status is already known, so a
    // cancel that fails (the server closed first) changes nothing about the check.
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 400) return { ok: true };
    return { ok: false, error: `GET ${path} answered HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, error: clip(`GET ${path}: ${reason(error, timeoutMs)}`) };
  }
}

function reason(error: unknown, timeoutMs: number): string {
  // Duck-typed: fetch's errors come from another realm than this module's `Error` under test runners.
  const { name, message, cause } = fields(error);
  if (name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (name === 'AbortError') return 'stopped';
  // fetch says only "fetch failed"; the cause names it (ECONNREFUSED, ECONNRESET, …).
  const because = fields(cause);
  return because.message ?? because.code ?? message ?? String(error);
}

function fields(value: unknown): { name?: string; message?: string; code?: string; cause?: unknown } {
  if (typeof value !== 'object' || value === null) return {};
  const { name, message, code, cause } = value as Record<string, unknown>;
  return {
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof message === 'string' && message !== '' ? { message } : {}),
    cause,
  };
}

function clip(text: string): string {
  return text.length > MAX_ERROR ? `${text.slice(0, MAX_ERROR - 1)}…` : text;
}
