import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { circleciConfigFromEnv, startCircleciBuilder } from '../src/index.js';
import { finished, type Harness, openHarness } from './support/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await openHarness('cciproc');
});

afterAll(async () => {
  await h?.close();
});

describe('startCircleciBuilder', () => {
  it('runs from its environment: reads the stored token, serves webhooks on its port, builds to a Release', async () => {
    const config = circleciConfigFromEnv(
      {
        APP_ID: String(h.github.appId),
        PRIVATE_KEY: h.github.privateKey,
        GHE_HOST: h.github.host,
        GHE_PROTOCOL: 'http',
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        SLIPWAY_REDIS_PREFIX: h.prefix,
        SLIPWAY_DATA_DIR: h.dataDir,
        CIRCLECI_URL: h.circleci.url,
        SLIPWAY_CIRCLECI_WEBHOOK_PORT: '0',
        // Only the webhook can end the pipeline within the test.
        SLIPWAY_CIRCLECI_POLL_MS: '600000',
      },
      h.dataDir,
    );
    const builder = await startCircleciBuilder({ config, logger: h.logger });
    try {
      const t = await h.tenant('proc');
      h.circleci.setWebhook({
        url: `${builder.webhookUrl}/circleci/webhooks/${t.tenant}`,
        secret: t.webhookSecret,
      });
      h.circleci.script({
        outcome: 'success',
        work: (pipeline) => h.pushFromParameters(pipeline.parameters),
      });
      await h.queues.circleciBuilds.add('build', t.job(), { jobId: t.jobId });
      const done = await finished(h.queues.circleciBuilds, t.jobId);
      expect(done.state).toBe('completed');
      const [owner = '', repo = ''] = t.fullName.split('/');
      expect(h.github.checkRuns({ owner, repo })).toMatchObject([
        { name: 'Slipway build / web', conclusion: 'success' },
      ]);
      const releaseId = (done.returnvalue as { releaseId: string }).releaseId;
      expect(await h.queues.deploys.getJob(releaseId)).toBeDefined();
    } finally {
      h.circleci.setWebhook(undefined);
      await builder.close();
    }
  });
});
