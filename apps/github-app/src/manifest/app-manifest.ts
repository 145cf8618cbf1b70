/** What Slipway asks for on each repository it is installed on. */
export const APP_PERMISSIONS = {
  checks: 'write',
  contents: 'read',
  deployments: 'write',
  pull_requests: 'write',
  issues: 'write',
  metadata: 'read',
} as const;

/**
 * The events Slipway subscribes to. `installation` and `installation_repositories` are not
 * listed: GitHub sends them to every app and refuses them in a manifest ("Default events
 * unsupported").
 */
export const APP_EVENTS = ['push', 'pull_request', 'check_run'] as const;

/** A GitHub App manifest (https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest). */
export interface AppManifest {
  name: string;
  url: string;
  description: string;
  hook_attributes: { url: string; active: boolean };
  redirect_url: string;
  public: boolean;
  default_permissions: typeof APP_PERMISSIONS;
  default_events: Array<(typeof APP_EVENTS)[number]>;
}

export interface AppManifestOptions {
  /** Where GitHub sends webhooks: `<app>/api/github/webhooks`, or a proxy that forwards there. */
  webhookUrl: string;
  /** Where GitHub sends the browser back with the code. */
  redirectUrl: string;
  /** The app's homepage. */
  homepageUrl: string;
  /** Must be unique on the GitHub instance; the person registering can change it on GitHub. */
  name?: string;
}

/**
 * The manifest of Slipway's GitHub App: the webhook, the callback and the permissions and
 * events the push path needs. Private: only the account that registers it can install it. Pure.
 *
 * @example slipwayAppManifest({ webhookUrl, redirectUrl, homepageUrl: 'http://127.0.0.1:3000' })
 */
export function slipwayAppManifest(options: AppManifestOptions): AppManifest {
  return {
    name: options.name ?? 'Slipway',
    url: options.homepageUrl,
    description: 'Builds every push and pull request into an image and deploys it (Slipway).',
    hook_attributes: { url: options.webhookUrl, active: true },
    redirect_url: options.redirectUrl,
    public: false,
    default_permissions: APP_PERMISSIONS,
    default_events: [...APP_EVENTS],
  };
}
