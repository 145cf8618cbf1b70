import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import {
  type Controller,
  controllerConfigFromEnv,
  createController,
  createControllerLogger,
} from '@slipway/controller';
import { type AwsStateNames, awsControllerEnv } from '@slipway/controller/testing';
import { DynamoLeaseBackend } from '@slipway/lease';
import { S3StateStore } from '@slipway/state';
import { pino } from 'pino';
import type { RequestCounter } from './request-counter.js';

/** One in-process controller replica and the URL of its API. */
export interface CountedController {
  id: string;
  url: string;
  controller: Controller;
}

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * Starts `count` controller replicas in this process, in AWS mode against `names` (moto), as
 * `main.ts` would, except that each gets S3 and DynamoDB clients made here with `counter` attached:
 * every request their state store and lease send is counted, labelled with the replica's id.
 * They share one secrets key and `redisPrefix`, like replicas of one deployment.
 */
export async function startCountedControllers(options: {
  count: number;
  names: AwsStateNames;
  redisUrl: string;
  redisPrefix: string;
  counter: RequestCounter;
  /** Extra controller variables (`SLIPWAY_…`). */
  env?: Record<string, string>;
}): Promise<CountedController[]> {
  const { names, counter } = options;
  const shared = awsControllerEnv(names, {
    REDIS_URL: options.redisUrl,
    SLIPWAY_REDIS_PREFIX: options.redisPrefix,
    SLIPWAY_API_PORT: '0',
    // 1,000 agents share three replicas; the API's own limit is per token, but keep it out of the way.
    SLIPWAY_RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
    ...options.env,
  });
  const started: CountedController[] = [];
  try {
    for (let i = 1; i <= options.count; i++) {
      const id = `${options.redisPrefix}-c${i}`;
      const config = controllerConfigFromEnv({ ...shared, SLIPWAY_CONTROLLER_ID: id }, process.cwd());
      if (config.mode !== 'aws') throw new Error('the idle-cost bench needs AWS-mode controllers');
      const connection = { region: names.region, endpoint: names.endpoint, credentials };
      const s3 = new S3Client({ ...connection, forcePathStyle: true });
      const dynamo = new DynamoDBClient(connection);
      counter.attach(s3, 's3', id);
      counter.attach(dynamo, 'dynamodb', id);
      const store = new S3StateStore({ client: s3, bucket: names.bucket });
      const lease = new DynamoLeaseBackend({ client: dynamo, tableName: names.table });
      const logger = createControllerLogger(
        { level: config.logLevel, base: { app: 'controller', controller: id } },
        pino.destination(2), // stdout is for the bench's JSON line
      );
      const controller = await createController({
        config,
        logger,
        backends: {
          store,
          lease,
          close: async () => {
            lease.close();
            await store.close();
            s3.destroy();
            dynamo.destroy();
          },
        },
      });
      await controller.app.listen({ host: '127.0.0.1', port: 0 });
      const address = controller.app.server.address();
      if (typeof address !== 'object' || address === null) throw new Error(`controller ${id} has no port`);
      started.push({ id, url: `http://127.0.0.1:${address.port}`, controller });
      controller.start();
    }
  } catch (error) {
    await stopControllers(started);
    throw error;
  }
  return started;
}

/** Stops every replica, even when one fails to stop. */
export async function stopControllers(controllers: readonly CountedController[]): Promise<void> {
  const results = await Promise.allSettled(controllers.map((c) => c.controller.stop()));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (failures.length > 0) throw new AggregateError(failures, 'stopping the controllers failed');
}

/** Waits until exactly one replica leads. */
export async function waitForLeader(
  controllers: readonly CountedController[],
  timeoutMs: number,
): Promise<CountedController> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leaders = controllers.filter((c) => c.controller.elector.isLeader());
    if (leaders.length === 1) return leaders[0]!;
    if (Date.now() > deadline)
      throw new Error(`no single leader among the controllers after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
