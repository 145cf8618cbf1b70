import type { Release, Rollout, RolloutStep } from '@slipway/core';
import type { DeployFeedbackJob } from '@slipway/queue';

/** GitHub's limit on a check run's summary. */
const MAX_SUMMARY_CHARS = 65_535;
const MAX_TITLE_CHARS = 200;

export const DEFAULT_SERVICE_URL_TEMPLATE = 'http://{service}.{tenant}.localhost:8080';

/**
 * Where a service answers, from `SLIPWAY_SERVICE_URL_TEMPLATE`: `{tenant}`, `{environment}` and
 * `{service}` are filled in, `{service}` being `<service>` in production and
 * `<service>-<environment>` elsewhere — the names the edge gives them.
 *
 * @example
 * serviceUrl('http://{service}.{tenant}.localhost:8080', { tenant: 'acme', service: 'web', environment: 'pr-7' })
 * // → 'http://web-pr-7.acme.localhost:8080'
 */
export function serviceUrl(
  template: string,
  where: { tenant: string; service: string; environment: string },
): string {
  const label = where.environment === 'production' ? where.service : `${where.service}-${where.environment}`;
  return template
    .replaceAll('{service}', label)
    .replaceAll('{tenant}', where.tenant)
    .replaceAll('{environment}', where.environment);
}

const STEP_RANK: Record<RolloutStep['status'], number> = { pending: 0, running: 1, done: 2, failed: 2 };
const STATUS_RANK: Record<Rollout['status'], number> = {
  running: 0,
  'rolling-back': 1,
  succeeded: 2,
  failed: 2,
  cancelled: 2,
};

/**
 * How far a rollout has come, as one number that grows with every write the rollout engine
 * makes (steps only move pending → running → done|failed, steps are only appended, the status only
 * moves towards an end) and is the same for the same state — so the GitHub App can drop a job
 * older than the one it showed, and a state enqueued twice is one job.
 */
export function rolloutSequence(rollout: Rollout): number {
  return rollout.steps.reduce((sum, step) => sum + STEP_RANK[step.status], STATUS_RANK[rollout.status]);
}

/** What the check run says: one line, and the Markdown summary. */
export interface RolloutText {
  title: string;
  summary: string;
}

const CONCLUSIONS = { succeeded: 'success', failed: 'failure', cancelled: 'cancelled' } as const;

/**
 * The check run "Slipway deploy / <service>" (and GitHub Deployment) for a rollout as it now is,
 * or undefined when its release did not come from GitHub (an image release, or one recorded before
 * origins were kept). Pure: `url` is where the service answers when public (null when it is
 * internal); the job carries it in every state, for the deployment's environment URL.
 */
export function rolloutFeedbackJob(
  rollout: Rollout,
  release: Release | undefined,
  url: string | null,
): DeployFeedbackJob | undefined {
  if (!release?.origin || release.commit === null || release.id !== rollout.toRelease) return undefined;
  const text = rolloutText(rollout, url);
  const done =
    rollout.status === 'succeeded' || rollout.status === 'failed' || rollout.status === 'cancelled';
  return {
    tenant: rollout.tenant,
    environment: rollout.environment,
    service: rollout.service,
    rolloutId: rollout.id,
    installationId: release.origin.installationId,
    repository: { id: release.origin.repository.id, fullName: release.origin.repository.fullName },
    commit: release.commit,
    ...(done
      ? { status: 'completed' as const, conclusion: CONCLUSIONS[rollout.status as keyof typeof CONCLUSIONS] }
      : {
          status: rollout.steps.some((s) => s.status !== 'pending')
            ? ('in_progress' as const)
            : ('queued' as const),
        }),
    title: text.title,
    summary: text.summary,
    startedAt: rollout.createdAt,
    completedAt: done ? (rollout.finishedAt ?? null) : null,
    sequence: rolloutSequence(rollout),
    url,
  };
}

/** The check run's title and summary: what happens now, why it failed, where it answers, every step. */
export function rolloutText(rollout: Rollout, url: string | null): RolloutText {
  const lines = [intro(rollout), ''];
  const outcome = outcomeLines(rollout, url);
  if (outcome.length > 0) lines.push(...outcome, '');
  lines.push(...stepsTable(rollout.steps), '', `Rollout \`${rollout.id}\`.`);
  return { title: oneLine(titleOf(rollout)), summary: clip(lines.join('\n')) };
}

function titleOf(rollout: Rollout): string {
  const to = rollout.toRelease;
  switch (rollout.status) {
    case 'running': {
      const deploy = rollout.steps.filter((s) => s.phase === 'deploy');
      const done = deploy.filter((s) => s.status === 'done').length;
      return `Deploying release ${to}: ${done} of ${deploy.length} steps done`;
    }
    case 'rolling-back':
      return `Rolling back to release ${rollout.fromRelease}: ${rollout.reason ?? 'the deploy failed'}`;
    case 'succeeded':
      return `Deployed release ${to} (${plural(rollout.replicas, 'replica')})`;
    case 'failed':
      return rolledBack(rollout)
        ? `Deploy failed; rolled back to release ${rollout.fromRelease}`
        : `Deploy of release ${to} failed`;
    case 'cancelled':
      return `Cancelled: ${rollout.reason ?? 'a newer rollout took over'}`;
  }
}

function intro(rollout: Rollout): string {
  const from = rollout.fromRelease === null ? 'its first release' : `release \`${rollout.fromRelease}\``;
  return `Rolling **${rollout.service}** in **${rollout.environment}** from ${from} to release \`${rollout.toRelease}\`, ${plural(rollout.replicas, 'replica')}.`;
}

function outcomeLines(rollout: Rollout, url: string | null): string[] {
  switch (rollout.status) {
    case 'succeeded':
      return url ? [`**Live at** ${url}`] : ['The service is internal: it has no public URL.'];
    case 'rolling-back':
      return [
        `**Failed:** ${rollout.reason ?? 'the deploy failed'}`,
        '',
        `Rolling back to release \`${rollout.fromRelease}\`…`,
      ];
    case 'failed': {
      const why = `**Failed:** ${rollout.reason ?? 'the deploy failed'}`;
      if (rolledBack(rollout))
        return [why, '', `Rolled back to release \`${rollout.fromRelease}\`: it serves again.`];
      if (rollout.fromRelease === null)
        return [why, '', 'This was the first release of the service: there was nothing to roll back to.'];
      return [why, '', `The rollback to release \`${rollout.fromRelease}\` did not finish.`];
    }
    case 'cancelled':
      return [`**Cancelled:** ${rollout.reason ?? 'a newer rollout took over'}`];
    case 'running':
      return [];
  }
}

/** A failed rollout that went back: it had somewhere to go and every rollback step is done. */
function rolledBack(rollout: Rollout): boolean {
  const back = rollout.steps.filter((s) => s.phase === 'rollback');
  return rollout.fromRelease !== null && back.length > 0 && back.every((s) => s.status === 'done');
}

const STATUS_WORDS: Record<RolloutStep['status'], string> = {
  pending: '⏳ pending',
  running: '▶️ running',
  done: '✅ done',
  failed: '❌ failed',
};

function stepsTable(steps: readonly RolloutStep[]): string[] {
  if (steps.length === 0) return ['No steps: nothing had to change.'];
  return [
    '| # | step | phase | status |',
    '| --- | --- | --- | --- |',
    ...steps.map(
      (step, i) => `| ${i + 1} | ${stepWords(step)} | ${step.phase} | ${STATUS_WORDS[step.status]} |`,
    ),
  ];
}

function stepWords(step: RolloutStep): string {
  const release = `\`${step.release}\``;
  switch (step.action) {
    case 'start':
      return `start ${plural(step.replicas, 'replica')} of ${release}`;
    case 'wait-healthy':
      return `wait until ${step.replicas} of ${release} are healthy`;
    case 'stop':
      return `stop ${plural(step.replicas, 'replica')} of ${release}`;
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= MAX_TITLE_CHARS ? line : `${line.slice(0, MAX_TITLE_CHARS - 1)}…`;
}

function clip(text: string): string {
  if (text.length <= MAX_SUMMARY_CHARS) return text;
  const marker = '\n… (cut to fit)';
  return `${text.slice(0, MAX_SUMMARY_CHARS - marker.length)}${marker}`;
}
