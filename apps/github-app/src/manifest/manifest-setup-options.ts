import type { RunManifestSetupOptions } from './run-manifest-setup.js';

/**
 * The registration page's options from probot's variables: PORT, GHE_HOST / GHE_PROTOCOL (GitHub
 * Enterprise Server), GH_ORG (register on an organisation) and WEBHOOK_PROXY_URL (a public URL
 * that forwards webhooks here). Used by the app's own main and by `npm start`.
 */
export function manifestSetupOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  envFile: string,
): Omit<RunManifestSetupOptions, 'logger'> {
  const protocol = env.GHE_PROTOCOL ?? 'https';
  return {
    port: Number(env.PORT ?? 3000),
    envFile,
    githubUrl: env.GHE_HOST ? `${protocol}://${env.GHE_HOST}` : 'https://github.com',
    ...(env.GH_ORG ? { org: env.GH_ORG } : {}),
    ...(env.WEBHOOK_PROXY_URL ? { webhookUrl: env.WEBHOOK_PROXY_URL } : {}),
  };
}
