import { describe, expect, it } from '@jest/globals';
import { InvalidBuildInputError } from './errors.js';
import { planBuild } from './plan-build.js';

const sha = 'a'.repeat(40);
const base = { buildId: 'b-1', tenant: 'acme', service: 'web', sha, registry: '127.0.0.1:5000' };

describe('planBuild', () => {
  it('plans a root-context build with the default Dockerfile', () => {
    expect(planBuild(base)).toEqual({
      repository: '127.0.0.1:5000/acme/web',
      tag: `127.0.0.1:5000/acme/web:${sha}`,
      contextPath: '.',
      dockerfile: 'Dockerfile',
      labels: {
        'io.slipway.tenant': 'acme',
        'io.slipway.service': 'web',
        'io.slipway.commit': sha,
        'io.slipway.build': 'b-1',
      },
      buildArgs: {},
      cacheFrom: [],
    });
  });

  it('plans a monorepo build: Dockerfile relative to the context, prefix, args, cache and extra labels', () => {
    expect(
      planBuild({
        ...base,
        registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
        repositoryPrefix: 'slipway',
        context: './services/api/',
        dockerfile: 'services/api/docker/Dockerfile.prod',
        args: { NODE_ENV: 'production' },
        previousImage: `123456789012.dkr.ecr.us-east-1.amazonaws.com/slipway/acme/web:${'b'.repeat(40)}`,
        extraLabels: { 'io.slipway.test': 't-1', 'io.slipway.tenant': 'evil' },
      }),
    ).toEqual({
      repository: '123456789012.dkr.ecr.us-east-1.amazonaws.com/slipway/acme/web',
      tag: `123456789012.dkr.ecr.us-east-1.amazonaws.com/slipway/acme/web:${sha}`,
      contextPath: 'services/api',
      dockerfile: 'docker/Dockerfile.prod',
      labels: {
        'io.slipway.test': 't-1',
        'io.slipway.tenant': 'acme',
        'io.slipway.service': 'web',
        'io.slipway.commit': sha,
        'io.slipway.build': 'b-1',
      },
      buildArgs: { NODE_ENV: 'production' },
      cacheFrom: [`123456789012.dkr.ecr.us-east-1.amazonaws.com/slipway/acme/web:${'b'.repeat(40)}`],
    });
  });

  it('refuses a Dockerfile outside the context, naming the field', () => {
    const attempt = () => planBuild({ ...base, context: 'services/api', dockerfile: 'Dockerfile' });
    expect(attempt).toThrow(InvalidBuildInputError);
    expect(attempt).toThrow(
      /dockerfile: "Dockerfile" must be a file inside the build context "services\/api"/,
    );
  });

  it('lists every invalid field at once', () => {
    let caught: unknown;
    try {
      planBuild({
        ...base,
        tenant: 'Acme',
        sha: 'abc',
        registry: 'http://127.0.0.1:5000',
        context: '../x',
        args: { 'BAD-NAME': '1' },
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidBuildInputError);
    expect((caught as InvalidBuildInputError).code).toBe('BUILD_INVALID_INPUT');
    expect((caught as InvalidBuildInputError).issues.map((issue) => issue.path).sort()).toEqual([
      'args.BAD-NAME',
      'context',
      'registry',
      'sha',
      'tenant',
    ]);
  });
});
