import {
  AwsEdge,
  createEdgeClients,
  createHostedZone,
  deleteHostedZone,
  EcrRegistry,
  type EdgeClients,
  motoDefaultNetwork,
} from '@slipway/cloud';
import { awsControllerEnv, createAwsState } from '@slipway/controller/testing';

/** What AWS mode needs in moto for one platform: a bucket, a lease table, a hosted zone, the default VPC. */
export interface MotoAccount {
  /** The variables that put every process in AWS mode against these (controller, GitHub App, builders). */
  readonly env: Record<string, string>;
  readonly region: string;
  readonly endpoint: string;
  readonly bucket: string;
  /** For looking at what the AWS edge made. */
  readonly clients: EdgeClients;
  readonly hostedZoneId: string;
  /** Each tenant's services answer under `<tenant>.<appsDomain>`. */
  readonly appsDomain: string;
  /** Tears down the tenant's edge (ALB, records, certificate) and ECR repositories, then the zone, bucket and table. */
  close(tenant: string): Promise<void>;
}

/**
 * Sets up AWS mode for one test run against moto: state (S3), lease (DynamoDB), images through
 * ECR's API (moto stores no layers: they go to `pushRegistry`), and the AWS edge in a fresh
 * hosted zone with the edge's resources tagged with a deployment of this run only.
 */
export async function createMotoAccount(options: {
  name: string;
  endpoint: string;
  pushRegistry: string;
}): Promise<MotoAccount> {
  const region = 'us-east-1';
  const names = {
    endpoint: options.endpoint,
    region,
    bucket: `${options.name}-state`,
    table: `${options.name}-lease`,
  };
  const dropState = await createAwsState(names);
  const connection = {
    region,
    endpoint: options.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const clients = createEdgeClients(connection);
  // ACM takes at most 64 characters in a certificate's first name (`*.<tenant>.<appsDomain>`).
  const appsDomain = `${options.name.slice(-6)}.slipway.example`;
  const hostedZoneId = await createHostedZone(clients, appsDomain);
  const network = await motoDefaultNetwork(options.endpoint, region);
  const deployment = options.name.slice(-32).replace(/^-+/, '');
  const env = awsControllerEnv(names, {
    SLIPWAY_ECR_PUSH_REGISTRY: options.pushRegistry,
    SLIPWAY_APPS_DOMAIN: appsDomain,
    SLIPWAY_HOSTED_ZONE_ID: hostedZoneId,
    SLIPWAY_VPC_ID: network.vpcId,
    SLIPWAY_SUBNETS: network.subnets.join(','),
    SLIPWAY_DEPLOYMENT: deployment,
    SLIPWAY_EDGE_RESYNC_MS: '2000',
  });
  return {
    env,
    region,
    endpoint: options.endpoint,
    bucket: names.bucket,
    clients,
    hostedZoneId,
    appsDomain,
    async close(tenant) {
      try {
        // An edge of this deployment handed no tenant deletes everything it made.
        const edge = new AwsEdge({ clients, network, deployment });
        for (let pass = 0; pass < 5; pass++) await edge.update([]);
        await edge.close();
        const ecr = new EcrRegistry(connection);
        for (const { service } of await ecr.listRepositories({ tenant }).catch(() => []))
          await ecr.deleteRepository({ tenant, service }).catch(() => {});
        await ecr.close();
        await deleteHostedZone(clients, hostedZoneId);
      } finally {
        for (const client of Object.values(clients)) client.destroy();
        await dropState();
      }
    },
  };
}
