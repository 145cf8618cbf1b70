/** Where GitHub's error bodies point; tests compare shapes, not this exact link. */
export const DOCUMENTATION_URL = 'https://docs.github.com/rest';

/** One entry of GitHub's `errors` array in a 422 "Validation Failed" body. */
export interface GitHubFieldError {
  resource: string;
  field?: string;
  code: 'missing_field' | 'invalid' | 'custom' | 'already_exists' | 'unprocessable';
  message?: string;
  [key: string]: unknown;
}

/**
 * An HTTP error answered in GitHub's shape: `{message, documentation_url, status, errors?}`.
 * `reason` is extra detail for the test author; it is sent in the `x-fake-github-reason`
 * header, never in the body, so the body stays exactly GitHub-shaped.
 */
export class GitHubError extends Error {
  readonly status: number;
  readonly errors: GitHubFieldError[] | undefined;
  readonly reason: string | undefined;
  /** Extra response headers GitHub sends with this error (e.g. `x-oauth-scopes`). */
  readonly headers: Record<string, string> | undefined;

  constructor(options: {
    status: number;
    message: string;
    errors?: GitHubFieldError[];
    reason?: string;
    headers?: Record<string, string>;
  }) {
    super(options.message);
    this.name = 'GitHubError';
    this.status = options.status;
    this.errors = options.errors;
    this.reason = options.reason;
    this.headers = options.headers;
  }

  /** The JSON body GitHub sends for this error. */
  toBody(): Record<string, unknown> {
    return {
      message: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      documentation_url: DOCUMENTATION_URL,
      status: String(this.status),
    };
  }
}

/** 404 the way GitHub answers both "missing" and "not yours to see". */
export function notFound(reason?: string): GitHubError {
  return new GitHubError({ status: 404, message: 'Not Found', ...(reason ? { reason } : {}) });
}

/** 401 for an unknown, expired or revoked token (installation or user). */
export function badCredentials(reason: string): GitHubError {
  return new GitHubError({ status: 401, message: 'Bad credentials', reason });
}

/** 403 GitHub sends when an installation token calls an endpoint only users may call (`/user/...`). */
export function notAccessibleByIntegration(reason: string): GitHubError {
  return new GitHubError({ status: 403, message: 'Resource not accessible by integration', reason });
}

/** 422 "Invalid request." as the checks and deployments endpoints word their schema errors. */
export function invalidRequest(problems: string[]): GitHubError {
  return new GitHubError({ status: 422, message: `Invalid request.\n\n${problems.join('\n')}` });
}
