import { createHmac, randomUUID } from 'node:crypto';

/** A webhook delivery ready to POST: the exact body bytes and GitHub's headers. */
export interface SignedWebhook {
  headers: Record<string, string>;
  body: string;
}

export interface SignWebhookOptions {
  /** `X-GitHub-Event`, e.g. `push`, `pull_request`. */
  event: string;
  /** An object is serialized with JSON.stringify; a string is sent as is (to test odd bodies). */
  payload: unknown;
  secret: string;
  /** Default: a random UUID, like GitHub's. */
  deliveryId?: string;
  /** GitHub sends the app id as `X-GitHub-Hook-Installation-Target-ID` for app webhooks. */
  appId?: number;
}

function hmac(algorithm: 'sha1' | 'sha256', secret: string, body: string): string {
  return `${algorithm}=${createHmac(algorithm, secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * Sign a webhook exactly as GitHub does: HMAC of the raw body with the app's webhook
 * secret in `X-Hub-Signature-256` (and the legacy SHA-1 one), plus the event, delivery,
 * hook and user-agent headers.
 *
 * @example
 * const { headers, body } = signWebhook({ event: 'push', payload, secret: fake.webhookSecret });
 * await fetch(`${appUrl}/api/github/webhooks`, { method: 'POST', headers, body });
 */
export function signWebhook(options: SignWebhookOptions): SignedWebhook {
  const body = typeof options.payload === 'string' ? options.payload : JSON.stringify(options.payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/7e8c3b1',
    'x-github-event': options.event,
    'x-github-delivery': options.deliveryId ?? randomUUID(),
    'x-github-hook-id': '421337',
    'x-github-hook-installation-target-type': 'integration',
    'x-github-hook-installation-target-id': String(options.appId ?? 1),
    'x-hub-signature': hmac('sha1', options.secret, body),
    'x-hub-signature-256': hmac('sha256', options.secret, body),
  };
  return { headers, body };
}

/** What the receiver answered. */
export interface WebhookResponse {
  status: number;
  body: string;
  deliveryId: string;
}

/**
 * Sign and POST a webhook to `url` (e.g. probot's `/api/github/webhooks`). To test rejection,
 * sign with another `secret` than the receiver's.
 */
export async function sendWebhook(
  url: string,
  options: SignWebhookOptions & { signal?: AbortSignal },
): Promise<WebhookResponse> {
  const signed = signWebhook(options);
  const response = await fetch(url, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return {
    status: response.status,
    body: await response.text(),
    deliveryId: signed.headers['x-github-delivery'] ?? '',
  };
}
