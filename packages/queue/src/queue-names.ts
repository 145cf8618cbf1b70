/**
 * Every BullMQ queue Slipway uses, in one place so producers and workers cannot disagree.
 * BullMQ forbids ':' in queue names; the Redis key prefix (see {@link createQueues}) namespaces them.
 */
export const QUEUE_NAMES = {
  /** Verified GitHub deliveries, waiting for the intake worker (read slipway.yaml, fan out builds). */
  webhookEvents: 'github-webhook-events',
  /** One job per service and commit, for the builders. */
  builds: 'builds',
  /** Build jobs of `builder: circleci` services, for the CircleCI hand-off (same payload as `builds`). */
  circleciBuilds: 'circleci-builds',
  /** Releases to roll out, for the controller. */
  deploys: 'deploys',
  /** How a rollout is going, for the GitHub App's "Slipway deploy / <service>" check run. */
  deployFeedback: 'deploy-feedback',
  /** Closed pull requests whose preview services the controller removes. */
  previewTeardowns: 'preview-teardowns',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** The Redis key prefix used when none is given. Tests pass a unique one. */
export const DEFAULT_KEY_PREFIX = 'slipway';
