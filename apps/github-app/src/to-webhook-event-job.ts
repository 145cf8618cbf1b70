import type { WebhookEventJob, WebhookEventName, WebhookSubset } from '@slipway/queue';
import { z } from 'zod';

// Only the fields we keep; zod's default strips everything else, so no user data rides along.
const repo = z.object({ id: z.number(), full_name: z.string() });
const payloadSchema = z.object({
  action: z.string().optional(),
  installation: z.object({ id: z.number(), account: z.object({ login: z.string() }).optional() }).optional(),
  repository: repo.optional(),
  sender: z.object({ login: z.string() }).optional(),
  ref: z.string().optional(),
  after: z.string().optional(),
  deleted: z.boolean().optional(),
  pull_request: z
    .object({
      number: z.number(),
      merged: z.boolean().nullish(),
      head: z.object({ ref: z.string(), sha: z.string() }),
      base: z.object({ ref: z.string() }),
    })
    .optional(),
  check_run: z
    .object({
      id: z.number(),
      name: z.string(),
      head_sha: z.string(),
      check_suite: z.object({ head_branch: z.string().nullish() }).optional(),
    })
    .optional(),
  repositories: z.array(repo).optional(),
  repositories_added: z.array(repo).optional(),
  repositories_removed: z.array(repo).optional(),
});

/** A delivery as probot hands it over. */
export interface ReceivedDelivery {
  id: string;
  name: WebhookEventName;
  payload: unknown;
}

export type ToJobResult = { ok: true; job: WebhookEventJob } | { ok: false; reason: string };

/** As `deliveryIdSchema` in @slipway/queue: the header is not covered by the signature. */
const DELIVERY_ID = /^[A-Za-z0-9_-]{1,200}$/;

const refs = (list: z.infer<typeof repo>[] | undefined) =>
  list?.map((r) => ({ id: r.id, fullName: r.full_name }));

/**
 * The job for one verified delivery: ids and the few fields the intake worker needs. Pure.
 * Not ok when the payload lacks what every app delivery has (an installation), a field we keep
 * has the wrong type, or the delivery id is not one — the caller logs and drops it; retrying
 * would not make it whole.
 */
export function toWebhookEventJob(delivery: ReceivedDelivery, receivedAt: Date): ToJobResult {
  if (!DELIVERY_ID.test(delivery.id))
    return { ok: false, reason: "X-GitHub-Delivery is not a delivery id (letters, digits, '-' and '_')" };
  const parsed = payloadSchema.safeParse(delivery.payload);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    return { ok: false, reason: `unexpected payload shape: ${problems.join('; ')}` };
  }
  const p = parsed.data;
  if (!p.installation) return { ok: false, reason: 'no installation in the payload (not an app delivery?)' };
  const subset: WebhookSubset = {};
  if (p.sender) subset.sender = p.sender.login;
  if (p.installation.account) subset.account = p.installation.account.login;
  if (delivery.name === 'push') {
    if (p.ref !== undefined) subset.ref = p.ref;
    if (p.after !== undefined) subset.sha = p.after;
    if (p.deleted !== undefined) subset.deleted = p.deleted;
  }
  if (p.pull_request) {
    subset.ref = p.pull_request.head.ref;
    subset.sha = p.pull_request.head.sha;
    subset.pullRequest = {
      number: p.pull_request.number,
      merged: p.pull_request.merged ?? false,
      baseRef: p.pull_request.base.ref,
    };
  }
  if (p.check_run) {
    subset.sha = p.check_run.head_sha;
    subset.checkRun = { id: p.check_run.id, name: p.check_run.name };
    // The head branch, like pull_request's: where a re-run commit belongs (absent for forks).
    const branch = p.check_run.check_suite?.head_branch;
    if (branch) subset.ref = branch;
  }
  const added = refs(p.repositories_added ?? p.repositories);
  const removed = refs(p.repositories_removed);
  if (added) subset.repositoriesAdded = added;
  if (removed) subset.repositoriesRemoved = removed;
  const job: WebhookEventJob = {
    deliveryId: delivery.id,
    event: delivery.name,
    installationId: p.installation.id,
    subset,
    receivedAt: receivedAt.toISOString(),
  };
  if (p.action !== undefined) job.action = p.action;
  if (p.repository) job.repository = { id: p.repository.id, fullName: p.repository.full_name };
  return { ok: true, job };
}
