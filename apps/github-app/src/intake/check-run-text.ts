import type { SlipwayYamlError } from '@slipway/core';

/** The check run an unbound installation gets: what is wrong and the one call that fixes it. */
export const SETUP_CHECK_NAME = 'Slipway';
/** The check run of a slipway.yaml that does not validate. */
export const CONFIG_CHECK_NAME = 'Slipway config';
/** The check run of a pull request Slipway does not preview (a fork, the tenant's preview limit). */
export const PREVIEW_CHECK_NAME = 'Slipway preview';
const BUILD_CHECK_PREFIX = 'Slipway build / ';
/** One per service and commit; the builder moves it on from `queued`. */
export const buildCheckName = (service: string) => `${BUILD_CHECK_PREFIX}${service}`;
/** The service a build check run's name names, or undefined for any other name. */
export function serviceOfBuildCheck(name: string): string | undefined {
  return name.startsWith(BUILD_CHECK_PREFIX) ? name.slice(BUILD_CHECK_PREFIX.length) : undefined;
}

export interface CheckRunOutput {
  title: string;
  summary: string;
}

/** Explains binding to whoever looks at the commit; no secrets, only the installation id. */
export function unboundOutput(installationId: number): CheckRunOutput {
  return {
    title: 'Bind this GitHub App installation to a Slipway tenant',
    summary: [
      `This repository has a slipway.yaml, but its GitHub App installation (id ${installationId}) is not bound to a Slipway tenant, so Slipway does not know where to build and deploy it.`,
      '',
      'A tenant owner who administers this GitHub account binds it with:',
      '',
      '```',
      `POST /v1/tenants/<tenant>/installations`,
      `{"installationId": ${installationId}, "githubToken": "<your GitHub token>"}`,
      '```',
      '',
      'Then push again, or re-run this check: the commit builds.',
    ].join('\n'),
  };
}

/** The binding request of {@link unboundOutput}, answered. */
export function boundOutput(tenant: string): CheckRunOutput {
  return {
    title: `Bound to the Slipway tenant ${tenant}`,
    summary: `This repository's GitHub App installation is bound to the tenant **${tenant}**; its pushes build and deploy there.`,
  };
}

/** Every problem of a slipway.yaml, each message naming its field, line and column. */
export function invalidConfigOutput(errors: readonly SlipwayYamlError[], sha: string): CheckRunOutput {
  const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
  return {
    title: `slipway.yaml has ${count}`,
    summary: [
      `slipway.yaml at ${sha.slice(0, 7)} is not valid, so nothing was built. Fix ${errors.length === 1 ? 'it' : 'them'} and push again:`,
      '',
      ...errors.map((error) => `- ${error.message}`),
    ].join('\n'),
  };
}

/** GitHub check-run annotations for slipway.yaml's problems (at most 50 per request, as parse caps them). */
export function configAnnotations(errors: readonly SlipwayYamlError[]) {
  return errors.slice(0, 50).map((error) => ({
    path: 'slipway.yaml',
    start_line: error.line,
    end_line: error.line,
    start_column: error.column,
    end_column: error.column,
    annotation_level: 'failure' as const,
    title: error.path === '' ? 'slipway.yaml' : error.path,
    message: error.message,
  }));
}

export function queuedBuildOutput(service: string, environment: string, sha: string): CheckRunOutput {
  return {
    title: 'Queued',
    summary: `The build of **${service}** at ${sha.slice(0, 7)} for **${environment}** is waiting for a builder.`,
  };
}

/** What a commit whose build was superseded at intake shows, instead of a build that would only be cancelled. */
export function supersededOutput(service: string, ref: string, newer: string | undefined): CheckRunOutput {
  return {
    title: 'Superseded by a newer push',
    summary: `A newer commit${newer ? ` (${newer.slice(0, 7)})` : ''} was pushed to \`${ref}\` before this one was taken in, so **${service}** builds that one instead.`,
  };
}

/** Why a pull request from a fork gets no preview. */
export function forkOutput(number: number): CheckRunOutput {
  return {
    title: 'No preview for pull requests from forks',
    summary: [
      `Pull request #${number} comes from a fork. Slipway does not build it: a preview would run code from outside this repository with the tenant's secrets.`,
      '',
      'To preview it, push its branch to this repository and open the pull request from there.',
    ].join('\n'),
  };
}

/** Why the tenant's policy refused a preview; the messages name the limit and its value. */
export function previewRefusedOutput(number: number, reasons: readonly string[]): CheckRunOutput {
  return {
    title: 'Preview not started: policy limit reached',
    summary: [
      `Pull request #${number} gets no preview because the tenant's policy refuses it:`,
      '',
      ...reasons.map((reason) => `- ${reason}`),
      '',
      'Close another pull request with a preview, or ask a tenant owner to raise the limit, then push again.',
    ].join('\n'),
  };
}

/** A re-run that cannot be placed: the build it re-runs is too old to know its environment. */
export function rerunUnknownOutput(service: string): CheckRunOutput {
  return {
    title: 'Cannot re-run this build',
    summary: `Slipway no longer knows which environment this build of **${service}** was for (its job has expired). Push a commit to build it again.`,
  };
}
