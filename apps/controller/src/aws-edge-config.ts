import { type EdgeNetwork, type EdgeZone, hostnameSchema, tenantIdSchema } from '@slipway/core';
import { z } from 'zod';

const zoneId = z.string().regex(/^[A-Z0-9]{1,32}$/, 'a Route53 hosted zone id like Z0123456789ABC');
const commaList = (item: z.ZodString) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));

/** `acme=Z0123:acme.example.org,beta=Z0456:beta.example.net`: tenants with a zone of their own. */
const tenantZones = z.string().transform((value, ctx) => {
  const zones = new Map<string, EdgeZone>();
  for (const entry of value.split(',').map((part) => part.trim())) {
    if (!entry) continue;
    const match = /^([^=]+)=([^:]+):(.+)$/.exec(entry);
    const tenant = tenantIdSchema.safeParse(match?.[1]);
    const id = zoneId.safeParse(match?.[2]);
    const domain = hostnameSchema.safeParse(match?.[3]);
    if (!tenant.success || !id.success || !domain.success) {
      ctx.issues.push({
        code: 'custom',
        input: entry,
        message: `'${entry}' is not <tenant>=<hosted zone id>:<domain>, e.g. acme=Z0123456789ABC:acme.example.org`,
      });
      return z.NEVER;
    }
    zones.set(tenant.data, { hostedZoneId: id.data, domain: domain.data });
  }
  return zones;
});

/**
 * AWS mode's edge settings (the ALB, Route53 and ACM side). All optional together: without them
 * AWS mode runs with no AWS edge (services are reached through local edges only); with any of
 * them set, the rest of what an ALB needs must be set too — checked at start-up.
 */
export const awsEdgeFields = {
  /** Each tenant's services answer under `<tenant>.<appsDomain>` unless it has a zone of its own. */
  appsDomain: hostnameSchema.optional(),
  /** The Route53 zone of `appsDomain` (it holds every tenant's records; each tenant's are tagged apart). */
  hostedZoneId: zoneId.optional(),
  tenantZones: tenantZones.optional(),
  vpcId: z
    .string()
    .regex(/^vpc-[0-9a-z]+$/, 'a VPC id like vpc-0123abcd')
    .optional(),
  subnets: commaList(z.string().regex(/^subnet-[0-9a-z]+$/, 'subnet ids like subnet-0123abcd'))
    .pipe(
      z.array(z.string()).min(2, 'at least two subnets in different availability zones (an ALB needs two)'),
    )
    .optional(),
  securityGroups: commaList(
    z.string().regex(/^sg-[0-9a-z]+$/, 'security group ids like sg-0123abcd'),
  ).optional(),
  /** Tagged on every edge resource; this installation only ever changes resources carrying it. */
  deployment: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, 'lowercase letters, digits and -, at most 32')
    .default('default'),
  /** Every tenant's edge is compared with AWS this often, whatever was heard. */
  edgeResyncMs: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
};

export const awsEdgeVariables = {
  appsDomain: 'SLIPWAY_APPS_DOMAIN',
  hostedZoneId: 'SLIPWAY_HOSTED_ZONE_ID',
  tenantZones: 'SLIPWAY_TENANT_ZONES',
  vpcId: 'SLIPWAY_VPC_ID',
  subnets: 'SLIPWAY_SUBNETS',
  securityGroups: 'SLIPWAY_SECURITY_GROUPS',
  deployment: 'SLIPWAY_DEPLOYMENT',
  edgeResyncMs: 'SLIPWAY_EDGE_RESYNC_MS',
} as const;

const awsEdgeObject = z.object(awsEdgeFields);
type AwsEdgeFields = z.infer<typeof awsEdgeObject>;

/** The settings an AWS edge needs are all there, or none is (refinement of the AWS config). */
export function checkAwsEdgeFields(
  config: AwsEdgeFields & { redisUrl?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  const given = config.appsDomain ?? config.hostedZoneId ?? config.vpcId ?? config.subnets;
  if (given === undefined) return;
  if (config.redisUrl === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['redisUrl'],
      message: 'set REDIS_URL: the AWS edge hears of healthy allocations through Redis',
    });
  const needed: [keyof AwsEdgeFields, string][] = [
    ['appsDomain', 'the domain tenants’ services answer under, e.g. apps.example.com'],
    ['hostedZoneId', 'the Route53 hosted zone of that domain'],
    ['vpcId', 'the VPC the load balancers go in'],
    ['subnets', 'two or more subnet ids in different availability zones, comma-separated'],
  ];
  for (const [field, what] of needed)
    if (config[field] === undefined)
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `set ${awsEdgeVariables[field]} to ${what} (the AWS edge needs it)`,
      });
}

export interface AwsEdgeSettings {
  network: EdgeNetwork;
  deployment: string;
  resyncMs: number;
  /** The tenant's hosted zone and the domain its services answer under. */
  zoneOf(tenant: string): EdgeZone;
}

/** The AWS edge's settings, or undefined when AWS mode runs without one. */
export function awsEdgeSettings(config: Partial<AwsEdgeFields>): AwsEdgeSettings | undefined {
  const { appsDomain, hostedZoneId, vpcId, subnets } = config;
  if (!appsDomain || !hostedZoneId || !vpcId || !subnets) return undefined;
  const own = config.tenantZones ?? new Map<string, EdgeZone>();
  return {
    network: { vpcId, subnets, securityGroups: config.securityGroups ?? [] },
    deployment: config.deployment ?? 'default',
    resyncMs: config.edgeResyncMs ?? 60_000,
    zoneOf: (tenant) => own.get(tenant) ?? { hostedZoneId, domain: `${tenant}.${appsDomain}` },
  };
}
