import { describe, expect, it } from '@jest/globals';
import { awsEdgeSettings } from './aws-edge-config.js';
import { ConfigError, controllerConfigFromEnv } from './config.js';

describe('controllerConfigFromEnv', () => {
  it('defaults to local mode with the state under .slipway in the working directory', () => {
    const config = controllerConfigFromEnv({}, '/srv/app');
    expect(config).toMatchObject({
      mode: 'local',
      apiPort: 4000,
      leaseTtlMs: 4000,
      dataDir: '/srv/app/.slipway',
    });
    expect(config.controllerId).toMatch(/:\d+:[0-9a-f]{8}$/);
  });

  it('runs no edge unless SLIPWAY_EDGE_PORT is set, and refuses a port that is not one', () => {
    expect(controllerConfigFromEnv({}, '/').edgePort).toBeUndefined();
    expect(controllerConfigFromEnv({ SLIPWAY_EDGE_PORT: '8080' }, '/')).toMatchObject({
      edgePort: 8080,
      edgeHost: '127.0.0.1',
    });
    expect(() => controllerConfigFromEnv({ SLIPWAY_EDGE_PORT: '80800' }, '/')).toThrow(/SLIPWAY_EDGE_PORT: /);
  });

  it('names every missing AWS-mode variable', () => {
    const read = () => controllerConfigFromEnv({ SLIPWAY_MODE: 'aws', AWS_REGION: 'eu-west-1' }, '/');
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/SLIPWAY_STATE_BUCKET: set SLIPWAY_STATE_BUCKET to the S3 bucket/);
    expect(read).toThrow(/SLIPWAY_LEASE_TABLE: set SLIPWAY_LEASE_TABLE/);
    expect(read).toThrow(/SLIPWAY_SECRETS_KEY: set SLIPWAY_SECRETS_KEY to 32 random bytes/);
  });

  it('refuses a lease ttl above 5 s and an unknown mode, naming the variable', () => {
    expect(() => controllerConfigFromEnv({ SLIPWAY_LEASE_TTL_MS: '15000' }, '/')).toThrow(
      /SLIPWAY_LEASE_TTL_MS: /,
    );
    expect(() => controllerConfigFromEnv({ SLIPWAY_MODE: 'kubernetes' }, '/')).toThrow(/SLIPWAY_MODE: /);
  });

  it("shares the queues' Redis prefix (`slipway`, keys `<prefix>:…`) and refuses one with a colon", () => {
    expect(controllerConfigFromEnv({}, '/').redisPrefix).toBe('slipway');
    expect(controllerConfigFromEnv({ SLIPWAY_REDIS_PREFIX: 'staging' }, '/').redisPrefix).toBe('staging');
    expect(() => controllerConfigFromEnv({ SLIPWAY_REDIS_PREFIX: 'slipway:' }, '/')).toThrow(
      /SLIPWAY_REDIS_PREFIX: .*no trailing colon/,
    );
  });

  it('reads the service URL template shown on deploy check runs, and refuses one without {service}', () => {
    expect(controllerConfigFromEnv({}, '/').serviceUrlTemplate).toBe(
      'http://{service}.{tenant}.localhost:8080',
    );
    const custom = 'https://{service}.{environment}.{tenant}.apps.example.com';
    expect(controllerConfigFromEnv({ SLIPWAY_SERVICE_URL_TEMPLATE: custom }, '/').serviceUrlTemplate).toBe(
      custom,
    );
    expect(() =>
      controllerConfigFromEnv({ SLIPWAY_SERVICE_URL_TEMPLATE: 'http://{tenant}.example.com' }, '/'),
    ).toThrow(/SLIPWAY_SERVICE_URL_TEMPLATE: must contain \{service\}/);
  });

  it('reads AWS mode settings', () => {
    const config = controllerConfigFromEnv(
      {
        SLIPWAY_MODE: 'aws',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:5001',
        SLIPWAY_STATE_BUCKET: 'acme-state',
        SLIPWAY_LEASE_TABLE: 'acme-lease',
        SLIPWAY_LEASE_TTL_MS: '3000',
        SLIPWAY_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      },
      '/',
    );
    expect(config).toMatchObject({
      mode: 'aws',
      stateBucket: 'acme-state',
      leaseTable: 'acme-lease',
      leaseTtlMs: 3000,
    });
  });

  describe('the AWS edge settings', () => {
    const aws = {
      SLIPWAY_MODE: 'aws',
      AWS_REGION: 'eu-west-1',
      SLIPWAY_STATE_BUCKET: 'slipway-state',
      SLIPWAY_LEASE_TABLE: 'slipway-lease',
      SLIPWAY_SECRETS_KEY: 'a'.repeat(44),
      REDIS_URL: 'redis://127.0.0.1:6379',
    };
    const edge = {
      SLIPWAY_APPS_DOMAIN: 'apps.example.com',
      SLIPWAY_HOSTED_ZONE_ID: 'Z0123456789ABC',
      SLIPWAY_VPC_ID: 'vpc-0a1b2c3d',
      SLIPWAY_SUBNETS: 'subnet-01, subnet-02',
    };

    const settingsOf = (env: Record<string, string>) => {
      const config = controllerConfigFromEnv(env, '/');
      if (config.mode !== 'aws') throw new Error('expected AWS mode');
      return awsEdgeSettings(config);
    };

    it('is off when none is set, and gives each tenant <tenant>.<apps domain> in the zone when all are', () => {
      expect(settingsOf(aws)).toBeUndefined();
      const settings = settingsOf({
        ...aws,
        ...edge,
        SLIPWAY_TENANT_ZONES: 'beta=ZBETA0001:beta.example.org',
      });
      expect(settings?.network).toEqual({
        vpcId: 'vpc-0a1b2c3d',
        subnets: ['subnet-01', 'subnet-02'],
        securityGroups: [],
      });
      expect(settings?.zoneOf('acme')).toEqual({
        hostedZoneId: 'Z0123456789ABC',
        domain: 'acme.apps.example.com',
      });
      expect(settings?.zoneOf('beta')).toEqual({ hostedZoneId: 'ZBETA0001', domain: 'beta.example.org' });
    });

    it('names what is missing once any is set, and what is malformed', () => {
      expect(() => controllerConfigFromEnv({ ...aws, SLIPWAY_APPS_DOMAIN: 'apps.example.com' }, '/')).toThrow(
        /SLIPWAY_HOSTED_ZONE_ID: set SLIPWAY_HOSTED_ZONE_ID[\s\S]*SLIPWAY_VPC_ID: [\s\S]*SLIPWAY_SUBNETS: /,
      );
      expect(() => controllerConfigFromEnv({ ...aws, ...edge, SLIPWAY_SUBNETS: 'subnet-01' }, '/')).toThrow(
        /SLIPWAY_SUBNETS: at least two subnets/,
      );
      const { REDIS_URL: _, ...withoutRedis } = aws;
      expect(() => controllerConfigFromEnv({ ...withoutRedis, ...edge }, '/')).toThrow(
        /REDIS_URL: set REDIS_URL/,
      );
      expect(() =>
        controllerConfigFromEnv({ ...aws, ...edge, SLIPWAY_TENANT_ZONES: 'acme:Z1' }, '/'),
      ).toThrow(/SLIPWAY_TENANT_ZONES: 'acme:Z1' is not <tenant>=<hosted zone id>:<domain>/);
    });
  });
});
