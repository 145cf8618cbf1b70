import type { SlipwayYamlError } from '@slipway/core';

/** The check run an unbound installation gets: what is wrong and the one call that fixes it. */
export const SETUP_CHECK_NAME = 'Slipway';
/** The check run of a slipway.yaml that does not validate. */
export const CONFIG_CHECK_NAME = 'Slipway config';
/** One per service and commit; the builder moves it on from `queued`. */
export const buildCheckName = (service: string) => `Slipway build / ${service}`;

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
      'Then push again: the next push builds.',
    ].join('\n'),
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
