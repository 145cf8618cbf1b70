import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type Logger, pino } from 'pino';
import { z } from 'zod';
import { WEBHOOK_PATH } from '../create-github-app.js';
import { slipwayAppManifest } from './app-manifest.js';
import { problemPage, registeredPage, registerPage } from './setup-pages.js';
import { updateEnvFile } from './update-env-file.js';

export const SETUP_CALLBACK_PATH = '/setup/callback';

export interface RunManifestSetupOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1: the page writes credentials, so it is not for the network. */
  host?: string;
  /** The dotenv file the credentials go to (created 0600, other lines kept). */
  envFile: string;
  /** GitHub's web address: `https://github.com`, or a GitHub Enterprise Server's (the fake's in tests). */
  githubUrl: string;
  /** The REST API; default `https://api.github.com` for github.com, else `<githubUrl>/api/v3`. */
  apiBaseUrl?: string;
  /** Register the app under this organization instead of the signed-in user. */
  org?: string;
  /**
   * Where GitHub should send webhooks. github.com does not accept a local address, so in local
   * mode pass a forwarding URL (probot's WEBHOOK_PROXY_URL, e.g. smee.io). Default
   * `<this page's address>/api/github/webhooks`.
   */
  webhookUrl?: string;
  /** App name; GitHub requires it to be unique there (the person registering can change it). */
  name?: string;
  /** Default: pino at info on stdout (the page's address is worth seeing). */
  logger?: Logger;
}

/** The app GitHub registered, once its credentials are in the env file. */
export interface RegisteredApp {
  appId: number;
  name: string;
  /** The app's page on GitHub; `<htmlUrl>/installations/new` installs it. */
  htmlUrl: string;
  envFile: string;
}

export interface ManifestSetup {
  readonly port: number;
  /** The page to open in a browser. */
  readonly url: string;
  /** Resolves when the credentials are written; then the user restarts the app. */
  readonly registered: Promise<RegisteredApp>;
  /** Stops the page. Idempotent. */
  close(): Promise<void>;
}

/** What `POST /app-manifests/{code}/conversions` answers (the fields used). */
const conversionSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  html_url: z.string(),
  pem: z.string().min(1),
  webhook_secret: z.string().min(1),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
});

/**
 * GitHub's app-manifest registration, as probot offers it on first start (probot's own
 * `ManifestCreation` is not exported, and writes `.env` in the working directory and into
 * `process.env`): a page at `/` posts Slipway's manifest (see {@link slipwayAppManifest}) to
 * `<githubUrl>/settings/apps/new`; GitHub creates the app and sends the browser back to
 * {@link SETUP_CALLBACK_PATH} with a one-time code, which is exchanged for the credentials.
 * They are written to `envFile` — APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GITHUB_CLIENT_ID,
 * GITHUB_CLIENT_SECRET (and GHE_HOST, GHE_PROTOCOL for GitHub Enterprise) — and the page says
 * to restart. A random `state` ties the callback to this page, so no other site can make this
 * server write credentials of an app it registered.
 *
 * @example
 * const setup = await runManifestSetup({ port: 3000, envFile: '.env', githubUrl: 'https://github.com', logger });
 * console.log(`open ${setup.url}`);
 * await setup.registered; // then: restart
 */
export async function runManifestSetup(options: RunManifestSetupOptions): Promise<ManifestSetup> {
  const { envFile } = options;
  const logger = options.logger ?? pino({ level: 'info' });
  const githubUrl = options.githubUrl.replace(/\/+$/, '');
  const github = new URL(githubUrl);
  const apiBaseUrl =
    options.apiBaseUrl ??
    (github.hostname === 'github.com' ? 'https://api.github.com' : `${githubUrl}/api/v3`);
  const state = randomBytes(24).toString('hex');
  const createAppUrl = `${githubUrl}${options.org ? `/organizations/${encodeURIComponent(options.org)}` : ''}/settings/apps/new?state=${state}`;
  let done: RegisteredApp | undefined;
  let resolveRegistered: (app: RegisteredApp) => void = () => {};
  const registered = new Promise<RegisteredApp>((resolve) => {
    resolveRegistered = resolve;
  });

  const html = (res: ServerResponse, status: number, body: string) =>
    res
      .writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(body);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://setup.invalid');
    if (req.method !== 'GET') return html(res, 405, problemPage('Only GET is served here.'));
    if (url.pathname === '/') {
      if (done) return html(res, 200, registeredPage(done));
      const origin = `http://${req.headers.host ?? `127.0.0.1:${port}`}`;
      const manifest = slipwayAppManifest({
        webhookUrl: options.webhookUrl ?? `${origin}${WEBHOOK_PATH}`,
        redirectUrl: `${origin}${SETUP_CALLBACK_PATH}`,
        homepageUrl: origin,
        ...(options.name ? { name: options.name } : {}),
      });
      return html(res, 200, registerPage({ manifest, createAppUrl, envFile }));
    }
    if (url.pathname !== SETUP_CALLBACK_PATH)
      return html(res, 404, problemPage('Nothing here; open / instead.'));
    if (done) return html(res, 200, registeredPage(done));
    const code = url.searchParams.get('code');
    if (!code || !/^[A-Za-z0-9_-]{1,200}$/.test(code) || !sameState(url.searchParams.get('state'), state)) {
      logger.warn('manifest callback without a valid code or state; ignored');
      return html(res, 400, problemPage('This link does not come from this setup page. Start again at /.'));
    }
    const response = await fetch(`${apiBaseUrl}/app-manifests/${code}/conversions`, {
      method: 'POST',
      headers: { accept: 'application/vnd.github+json', 'user-agent': 'slipway-github-app' },
    });
    if (!response.ok) {
      logger.warn({ status: response.status }, 'GitHub refused the manifest code');
      const message =
        response.status === 404
          ? 'GitHub did not accept the code: it works once, within an hour. Start again at /.'
          : `GitHub answered ${response.status} when asked for the app's credentials. Start again at /.`;
      return html(res, 502, problemPage(message));
    }
    const app = conversionSchema.parse(await response.json());
    await updateEnvFile(envFile, {
      APP_ID: String(app.id),
      PRIVATE_KEY: app.pem,
      WEBHOOK_SECRET: app.webhook_secret,
      GITHUB_CLIENT_ID: app.client_id,
      GITHUB_CLIENT_SECRET: app.client_secret,
      ...(github.hostname === 'github.com'
        ? {}
        : { GHE_HOST: github.host, GHE_PROTOCOL: github.protocol.replace(':', '') }),
    });
    done = { appId: app.id, name: app.name, htmlUrl: app.html_url, envFile };
    // Ids and where things are, never the key or the secrets.
    logger.info(
      { appId: app.id, htmlUrl: app.html_url, envFile },
      'GitHub App registered; restart to use it',
    );
    resolveRegistered(done);
    return html(res, 200, registeredPage(done));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'manifest setup request failed');
      if (!res.headersSent)
        html(res, 500, problemPage('Something failed here; see the log, then start again at /.'));
    });
  });
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : options.port);
    });
  });
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/`;
  logger.info({ url, envFile }, 'no GitHub App credentials: open the page to register one');

  let closing: Promise<void> | undefined;
  return {
    port,
    url,
    registered,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function sameState(given: string | null, expected: string): boolean {
  if (given === null || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
