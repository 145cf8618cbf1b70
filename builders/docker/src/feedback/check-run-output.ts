import type { BuildFailure, BuildFailureKind, BuildFeedbackTarget, BuildSuccess } from './build-feedback.js';

/** GitHub's limit on a check run's `output.summary` and `output.text`. */
export const MAX_OUTPUT_CHARS = 65_535;
/** Titles are one line; GitHub shows little more than this anyway. */
const MAX_TITLE_CHARS = 200;
/** A single log line longer than this is cut, so one minified line cannot push out the other 49. */
const MAX_LINE_CHARS = 2_000;
/** How many log lines a failed check run shows. */
export const LOG_TAIL_LINES = 50;

/** The check run of one service's builds, as the GitHub App's intake names it. */
export const buildCheckName = (service: string) => `Slipway build / ${service}`;

/** What a check run shows: `title` and `summary` always, `text` for the details. */
export interface CheckRunOutput {
  title: string;
  summary: string;
  text?: string;
}

const short = (sha: string) => sha.slice(0, 7);

/** Cuts `text` to `max` characters, saying so at the end. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = '\n… (cut to fit)';
  return `${text.slice(0, Math.max(0, max - marker.length))}${marker}`;
}

/** One line for a title: newlines become spaces, then cut. */
function titleOf(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= MAX_TITLE_CHARS ? line : `${line.slice(0, MAX_TITLE_CHARS - 1)}…`;
}

/**
 * A fenced code block that its content cannot close early: the fence is one backtick longer than
 * the longest run of backticks in the lines.
 */
export function codeBlock(lines: readonly string[]): string {
  const longest = Math.max(
    2,
    ...lines.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((r) => r.length))),
  );
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${lines.join('\n')}\n${fence}`;
}

/**
 * The last {@link LOG_TAIL_LINES} lines in a code block that fits GitHub's limit: long lines are
 * cut, and when the block would still be too long, the oldest lines go first (the end is where
 * the error is).
 */
export function logTailText(lines: readonly string[], budget = MAX_OUTPUT_CHARS): string {
  let tail = lines
    .slice(-LOG_TAIL_LINES)
    .map((line) => (line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line));
  const heading = (count: number) => `Last ${count} log line${count === 1 ? '' : 's'}:\n\n`;
  let text = `${heading(tail.length)}${codeBlock(tail)}`;
  while (text.length > budget && tail.length > 1) {
    tail = tail.slice(1);
    text = `${heading(tail.length)}${codeBlock(tail)}`;
  }
  return clip(text, budget);
}

function about(target: BuildFeedbackTarget): string {
  const { job } = target;
  const attempt = (job.attempt ?? 1) > 1 ? ` (re-run ${job.attempt})` : '';
  return `**${job.service}** at ${short(job.commit)} for **${job.environment}**${attempt}`;
}

export function startedOutput(target: BuildFeedbackTarget): CheckRunOutput {
  return {
    title: 'Building',
    summary: `Building ${about(target)}. Build id \`${target.buildId}\`.`,
  };
}

export function retryingOutput(target: BuildFeedbackTarget, reason: string): CheckRunOutput {
  return {
    title: 'Retrying',
    summary: clip(
      `An attempt to build ${about(target)} failed and will be retried:\n\n${reason}`,
      MAX_OUTPUT_CHARS,
    ),
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function cacheSource(success: BuildSuccess): string {
  const from = success.cacheFrom;
  if (from === undefined) return "no previous image; this engine's local cache only";
  return `the previous image \`${from.reference}\` (Release \`${from.releaseId}\`, commit ${short(from.commit)})`;
}

export function succeededOutput(target: BuildFeedbackTarget, success: BuildSuccess): CheckRunOutput {
  const { release } = success;
  const cache = success.built
    ? `${success.cacheHits} of ${success.steps} steps from the layer cache`
    : 'nothing built: an earlier attempt had already recorded this Release';
  return {
    title: titleOf(`Built ${release.service} at ${short(release.commit ?? target.job.commit)}`),
    summary: [
      `Built ${about(target)} and recorded Release \`${release.id}\`.`,
      '',
      '| | |',
      '| --- | --- |',
      `| Image | \`${release.image}\` |`,
      `| Digest | \`${release.digest}\` |`,
      `| Duration | ${seconds(success.durationMs)} |`,
      `| Layer cache | ${cache} |`,
      ...(success.built ? [`| Cache from | ${cacheSource(success)} |`] : []),
      `| Build id | \`${target.buildId}\` |`,
    ].join('\n'),
  };
}

const FAILURE_TITLES: Record<BuildFailureKind, string> = {
  build: 'Docker build failed',
  registry: 'Registry unreachable',
  push: 'Push refused by the registry',
  source: 'Source could not be downloaded',
  input: 'Invalid build settings',
  refused: "Not allowed by the tenant's policy",
  error: 'Build error',
};

export function failedOutput(target: BuildFeedbackTarget, failure: BuildFailure): CheckRunOutput {
  const title = failure.step
    ? `${FAILURE_TITLES[failure.kind]} at ${failure.step}`
    : FAILURE_TITLES[failure.kind];
  const summary = [
    `The build of ${about(target)} failed${failure.step ? ` at \`${failure.step}\`` : ''}.`,
    '',
    failure.message,
    ...(failure.dockerMessage ? ['', 'Docker said:', '', codeBlock([failure.dockerMessage])] : []),
  ].join('\n');
  return {
    title: titleOf(title),
    summary: clip(summary, MAX_OUTPUT_CHARS),
    ...(failure.logTail.length > 0 ? { text: logTailText(failure.logTail) } : {}),
  };
}

export function cancelledOutput(target: BuildFeedbackTarget, supersededBy: string): CheckRunOutput {
  return {
    title: `Superseded by ${short(supersededBy)}`,
    summary: `The build of ${about(target)} was cancelled: superseded by ${short(supersededBy)}, a newer push to \`${target.job.ref}\`, which builds instead.`,
  };
}
