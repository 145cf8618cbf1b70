import { parseSlipwayYaml, type SlipwayConfig } from '@slipway/core';
import type { Logger } from 'pino';
import type { ProbotOctokit } from 'probot';
import {
  CONFIG_CHECK_NAME,
  configAnnotations,
  invalidConfigOutput,
  SETUP_CHECK_NAME,
  unboundOutput,
} from './check-run-text.js';
import { ensureCheckRuns } from './ensure-check-runs.js';
import type { IntakeStep } from './intake-deps.js';
import { type CommitRef, readSlipwayYaml } from './read-slipway-yaml.js';

/** A commit's slipway.yaml, valid, and the tenant it builds into. */
export interface CommitConfig {
  ok: true;
  tenant: string;
  config: SlipwayConfig;
  /** The step's logger, with the tenant. */
  logger: Logger;
}

/** Why a commit builds nothing; each has already been reported on the commit where that helps. */
export type CommitConfigRefusal = { ok: false; outcome: 'no-config' | 'unbound' | 'invalid-config' };

/**
 * The common start of every intake: slipway.yaml at the commit (contents API), the tenant its
 * installation is bound to, and the parsed file. A commit without slipway.yaml is not ours and
 * gets nothing; an unbound installation gets an action_required check run "Slipway" saying how
 * to bind; a malformed file one failed check run "Slipway config" naming every problem.
 */
export async function loadCommitConfig(
  step: IntakeStep,
  options: { octokit: ProbotOctokit; at: CommitRef; installationId: number },
): Promise<CommitConfig | CommitConfigRefusal> {
  const { octokit, at, installationId } = options;
  const text = await readSlipwayYaml(octokit, at);
  if (text === undefined) {
    step.logger.debug('no slipway.yaml at the commit; not a Slipway repository');
    return { ok: false, outcome: 'no-config' };
  }
  const tenant = await step.installations.boundTenant(installationId);
  if (!tenant) {
    await ensureCheckRuns(
      octokit,
      at,
      [{ name: SETUP_CHECK_NAME, conclusion: 'action_required', output: unboundOutput(installationId) }],
      step.now,
    );
    step.logger.info('installation not bound to a tenant; asked for binding on the commit');
    return { ok: false, outcome: 'unbound' };
  }
  const logger = step.logger.child({ tenant });
  const parsed = parseSlipwayYaml(text);
  if (!parsed.ok) {
    await ensureCheckRuns(
      octokit,
      at,
      [
        {
          name: CONFIG_CHECK_NAME,
          conclusion: 'failure',
          output: {
            ...invalidConfigOutput(parsed.errors, at.sha),
            annotations: configAnnotations(parsed.errors),
          },
        },
      ],
      step.now,
    );
    logger.info({ problems: parsed.errors.length }, 'slipway.yaml is invalid; reported on the commit');
    return { ok: false, outcome: 'invalid-config' };
  }
  return { ok: true, tenant, config: parsed.config, logger };
}

/** `owner/name` and a sha as the API wants them. */
export function commitRef(fullName: string, sha: string): CommitRef {
  const [owner = '', repo = ''] = fullName.split('/');
  return { owner, repo, sha };
}
