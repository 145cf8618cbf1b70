import type { WebhookEventJob } from '@slipway/queue';
import type { Installations } from '@slipway/state';
import type { Logger } from 'pino';
import type { ProbotOctokit } from 'probot';
import { statusOf } from './github-failure.js';

/**
 * Records what GitHub says of an installation now (account login, id and type; suspended),
 * for `installation` and `installation_repositories` events. It asks GitHub rather than
 * trusting the event, so a late or repeated delivery cannot write an old state back.
 * An installation deleted meanwhile (404) is done; `deleted` events record nothing.
 */
export async function recordInstallation(options: {
  job: WebhookEventJob;
  appOctokit: ProbotOctokit;
  installations: Installations;
  logger: Logger;
}): Promise<void> {
  const { job, installations, logger } = options;
  const installationId = job.installationId;
  if (job.event === 'installation' && job.action === 'deleted') {
    // TODO: forget the record (and tell the bound tenant); the binding stays until unbound.
    logger.info({ installationId }, 'installation deleted on GitHub; its record is kept');
    return;
  }
  let data: Awaited<ReturnType<ProbotOctokit['rest']['apps']['getInstallation']>>['data'];
  try {
    ({ data } = await options.appOctokit.rest.apps.getInstallation({ installation_id: installationId }));
  } catch (error) {
    if (statusOf(error) === 404) {
      logger.info({ installationId }, 'installation is gone on GitHub; nothing to record');
      return;
    }
    throw error;
  }
  const account = data.account;
  const type = account && 'type' in account ? account.type : undefined;
  if (!account || !('login' in account) || (type !== 'Organization' && type !== 'User')) {
    logger.warn(
      { installationId, type },
      'installation on an account that is neither an organisation nor a user; not recorded',
    );
    return;
  }
  await installations.record({
    installationId,
    account: { login: account.login, id: account.id, type },
    suspended: data.suspended_at != null,
  });
  logger.info({ installationId, account: account.login }, 'installation recorded');
}
