import {
  commitShaSchema,
  domainsSchema,
  environmentNameSchema,
  envMapSchema,
  recordIdSchema,
  relativePathSchema,
  releaseConfigSchema,
  serviceNameSchema,
  serviceSourceSchema,
  tenantIdSchema,
  visibilitySchema,
} from '@slipway/core';
import { z } from 'zod';

/** The GitHub events the app enqueues; anything else is answered 200 and dropped. */
export const WEBHOOK_EVENT_NAMES = [
  'push',
  'pull_request',
  'installation',
  'installation_repositories',
  'check_run',
] as const;
export const webhookEventNameSchema = z.enum(WEBHOOK_EVENT_NAMES);
export type WebhookEventName = z.infer<typeof webhookEventNameSchema>;

const repositoryRefSchema = z.object({
  id: z.number().int().positive(),
  /** `owner/name`. */
  fullName: z.string().min(3),
});

/**
 * The part of a payload the intake worker needs, and nothing else: the raw payload carries
 * user data (emails, commit messages) that has no business in Redis or in logs.
 */
export const webhookSubsetSchema = z.object({
  /** push: `refs/heads/main`; pull_request: the head branch; check_run: its check suite's head branch; absent otherwise. */
  ref: z.string().optional(),
  /** push `after`, pull_request `head.sha`, check_run `head_sha`. */
  sha: z.string().optional(),
  /** push: the ref was deleted (nothing to build). */
  deleted: z.boolean().optional(),
  pullRequest: z
    .object({ number: z.number().int().positive(), merged: z.boolean(), baseRef: z.string() })
    .optional(),
  /** check_run.rerequested: which check run to re-run (its name says the service). */
  checkRun: z.object({ id: z.number().int().positive(), name: z.string() }).optional(),
  /** installation_repositories / installation: repositories added and removed. */
  repositoriesAdded: z.array(repositoryRefSchema).optional(),
  repositoriesRemoved: z.array(repositoryRefSchema).optional(),
  /** Login of the account the app is installed on. */
  account: z.string().optional(),
  sender: z.string().optional(),
});
export type WebhookSubset = z.infer<typeof webhookSubsetSchema>;

/**
 * One verified GitHub delivery. The tenant is not known yet (the intake worker resolves it
 * from the installation), so the installation id is what scopes it.
 */
/** GitHub's X-GitHub-Delivery is a UUID; we accept any short word of letters, digits, '-' and '_'. */
export const deliveryIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,200}$/, "letters, digits, '-' and '_', at most 200 characters");

export const webhookEventJobSchema = z.object({
  deliveryId: deliveryIdSchema,
  event: webhookEventNameSchema,
  action: z.string().optional(),
  installationId: z.number().int().positive(),
  /** Absent for installation events, which concern many repositories. */
  repository: repositoryRefSchema.optional(),
  subset: webhookSubsetSchema,
  /** When the app received it (ISO 8601). */
  receivedAt: z.iso.datetime(),
});
export type WebhookEventJob = z.infer<typeof webhookEventJobSchema>;

/**
 * What slipway.yaml says of a service beyond its Release: used when a deploy creates the service.
 * An existing service keeps its scale (scaling is an operation, as on Heroku); its domains and
 * visibility follow slipway.yaml.
 */
export const serviceDefaultsSchema = z.object({
  source: serviceSourceSchema,
  replicas: z.int().min(0),
  domains: domainsSchema,
  visibility: visibilitySchema,
});
export type ServiceDefaults = z.infer<typeof serviceDefaultsSchema>;

/** One service at one commit, for the builders. The tenant is known and always present. */
export const buildJobSchema = z.object({
  tenant: tenantIdSchema,
  service: serviceNameSchema,
  environment: environmentNameSchema,
  commit: commitShaSchema,
  ref: z.string(),
  installationId: z.number().int().positive(),
  repository: repositoryRefSchema,
  /** The delivery that caused it, to follow one push through the logs. */
  deliveryId: deliveryIdSchema,
  /** How to build, from slipway.yaml at `commit`; paths are repository-relative. Build args are not secrets. */
  build: z.object({
    dockerfile: relativePathSchema,
    context: relativePathSchema,
    args: envMapSchema,
  }),
  /** The service's run settings from slipway.yaml at `commit`, frozen into the Release (secret refs, never values). */
  config: releaseConfigSchema,
  /** Carried into the deploy job; absent from jobs queued before it existed. */
  serviceDefaults: serviceDefaultsSchema.optional(),
  /** Absent or 1 for the first run of this commit; a re-run asked for on GitHub counts up. */
  attempt: z.int().min(1).optional(),
});
export type BuildJob = z.infer<typeof buildJobSchema>;

/**
 * A Release ready to roll out, for the controller's leader. Enqueued by a builder once the
 * Release is recorded; the job id is the release id, so a retried build enqueues it once.
 */
export const deployJobSchema = z.object({
  tenant: tenantIdSchema,
  environment: environmentNameSchema,
  service: serviceNameSchema,
  releaseId: z.string().min(1).max(64),
  commit: commitShaSchema,
  ref: z.string(),
  installationId: z.number().int().positive(),
  repository: repositoryRefSchema,
  deliveryId: deliveryIdSchema,
  /** From the build job: how to create the service should this be its first release. */
  serviceDefaults: serviceDefaultsSchema.optional(),
});
export type DeployJob = z.infer<typeof deployJobSchema>;

export const DEPLOY_FEEDBACK_STATUSES = ['queued', 'in_progress', 'completed'] as const;
export const DEPLOY_FEEDBACK_CONCLUSIONS = ['success', 'failure', 'cancelled'] as const;

/**
 * A rollout as it now is, for the GitHub App to show as the check run "Slipway deploy /
 * <service>" on the commit of the release it rolls out, as a GitHub Deployment of the environment
 * and, for a preview `pr-<n>`, in the pull request's preview comment. Enqueued by the controller's leader each
 * time it writes the rollout; the controller never calls GitHub itself. `sequence` grows with every
 * change of the rollout, so the app can drop a job older than one it already showed; the job id
 * is `<tenant>.<rollout>.<sequence>` ({@link deployFeedbackJobId}), so the same state enqueued twice is one job.
 * Text only from the rollout: no secret, no token.
 */
export const deployFeedbackJobSchema = z
  .object({
    tenant: tenantIdSchema,
    environment: environmentNameSchema,
    service: serviceNameSchema,
    rolloutId: recordIdSchema,
    installationId: z.int().positive(),
    repository: repositoryRefSchema,
    /** The commit of the release being rolled out: where the check run goes. */
    commit: commitShaSchema,
    status: z.enum(DEPLOY_FEEDBACK_STATUSES),
    /** Present exactly when `status` is completed. */
    conclusion: z.enum(DEPLOY_FEEDBACK_CONCLUSIONS).optional(),
    /** One line. */
    title: z.string().min(1).max(200),
    /** Markdown, within GitHub's 65,535 characters. */
    summary: z.string().min(1).max(65_535),
    /** When the rollout began and ended (ISO 8601), for the check run's times. */
    startedAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable(),
    sequence: z.int().min(0),
    /**
     * Where the service answers when it is public (`http(s)://…`), for the GitHub Deployment's
     * environment URL and the preview comment; absent or null when it is internal. Optional, so
     * jobs enqueued before it existed still parse.
     */
    url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .nullable()
      .optional(),
  })
  .refine((job) => (job.status === 'completed') === (job.conclusion !== undefined), {
    message: 'a conclusion is given exactly when the status is completed',
    path: ['conclusion'],
  });
export type DeployFeedbackJob = z.infer<typeof deployFeedbackJobSchema>;

/**
 * A pull request closed: the controller removes the services its preview made in `pr-<number>`
 * (those built from this repository; another repository's pull request of the same number keeps
 * its own). Enqueued by the GitHub App's intake, twice: at once, and a minute later for a deploy
 * that raced the first pass.
 */
export const previewTeardownJobSchema = z.object({
  tenant: tenantIdSchema,
  environment: environmentNameSchema,
  repository: repositoryRefSchema,
  number: z.int().positive(),
  /** When the pull request was closed (the delivery's receipt, ISO 8601). */
  closedAt: z.iso.datetime(),
});
export type PreviewTeardownJob = z.infer<typeof previewTeardownJobSchema>;
