import { BuildSupersededError } from '@slipway/builder-docker';

/** Why a CircleCI hand-off stopped. */
export type CircleciErrorCode =
  /** No answer, a timeout or a 5xx: worth retrying with backoff. */
  | 'CIRCLECI_UNREACHABLE'
  /** CircleCI refused the request (4xx): the same request fails the same way. */
  | 'CIRCLECI_REFUSED'
  /** The tenant has no CircleCI token (or webhook secret) stored. */
  | 'CIRCLECI_NOT_CONFIGURED'
  | 'WORKFLOW_FAILED'
  | 'WORKFLOW_CANCELLED'
  /** CircleCI could not run the pipeline's config (its state is `errored`). */
  | 'PIPELINE_ERRORED'
  /** The config ran but made no workflow: its filters left nothing for this ref. */
  | 'NO_WORKFLOW'
  /** The pipeline was still going at the follow deadline. */
  | 'PIPELINE_TIMED_OUT'
  /** The pipeline succeeded but the image it should have pushed is not in the registry. */
  | 'IMAGE_MISSING'
  /** The tenant's policy does not allow the CircleCI builder. */
  | 'BUILD_REFUSED'
  | 'INVALID_BUILD_JOB';

/** Codes that end the build at once: retrying cannot change the answer. */
const FINAL: ReadonlySet<CircleciErrorCode> = new Set([
  'CIRCLECI_REFUSED',
  'CIRCLECI_NOT_CONFIGURED',
  'WORKFLOW_FAILED',
  'WORKFLOW_CANCELLED',
  'PIPELINE_ERRORED',
  'NO_WORKFLOW',
  'PIPELINE_TIMED_OUT',
  'IMAGE_MISSING',
  'BUILD_REFUSED',
  'INVALID_BUILD_JOB',
]);

/**
 * A typed failure of the hand-off. Messages say what to do next and never hold a token: they name
 * the project, the pipeline, the workflow URL or the image, nothing else.
 */
export class CircleciError extends Error {
  override readonly name = 'CircleciError';
  /** The workflow's page on CircleCI, when there is one: the check run links it. */
  readonly workflowUrl: string | undefined;

  constructor(
    readonly code: CircleciErrorCode,
    message: string,
    options: { cause?: unknown; workflowUrl?: string } = {},
  ) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.workflowUrl = options.workflowUrl;
  }

  /** Whether the build ends at once (true) or the queue's attempts may try again (false). */
  get final(): boolean {
    return FINAL.has(this.code);
  }
}

/** Whether `error` ends the build without a retry. Unknown errors (Redis, the state store) are retried. */
export function isFinalError(error: unknown): boolean {
  if (error instanceof BuildSupersededError) return true;
  return error instanceof CircleciError && error.final;
}
