import { AwsEdge } from '@slipway/cloud';
import type { Logger } from 'pino';
import { awsEdgeSettings } from '../aws-edge-config.js';
import type { ControllerConfig } from '../config.js';
import type { ControllerOptions } from '../controller.js';

/**
 * AWS mode's edge as the controller takes it (`awsEdge`), made from the configuration; undefined
 * in local mode or when no AWS edge is configured (warned: services are then reached through
 * local edges only). The caller closes `edge` after the controller stopped.
 */
export function awsEdgeFromConfig(
  config: ControllerConfig,
  logger: Logger,
): (NonNullable<ControllerOptions['awsEdge']> & { edge: AwsEdge }) | undefined {
  if (config.mode !== 'aws') return undefined;
  const settings = awsEdgeSettings(config);
  if (!settings) {
    logger.warn(
      'no AWS edge configured (SLIPWAY_APPS_DOMAIN, SLIPWAY_HOSTED_ZONE_ID, SLIPWAY_VPC_ID, SLIPWAY_SUBNETS): services are reached through local edges only',
    );
    return undefined;
  }
  const edge = new AwsEdge({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    network: settings.network,
    deployment: settings.deployment,
    logger: logger.child({ component: 'aws-edge' }),
  });
  return { edge, zoneOf: settings.zoneOf, resyncMs: settings.resyncMs };
}
