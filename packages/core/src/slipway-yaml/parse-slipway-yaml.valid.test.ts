import { describe, expect, it } from '@jest/globals';
import { formatSlipwayYaml } from './format-slipway-yaml.js';
import { parseSlipwayYaml } from './parse-slipway-yaml.js';
import type { ServiceConfig } from './service-schema.js';
import type { SlipwayConfig } from './slipway-schema.js';

/** A service as parsed with every default, changed by `overrides`. */
function service(overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    source: { kind: 'image', image: 'nginx:1.27' },
    port: 80,
    replicas: 1,
    resources: { cpuMillicores: 250, memoryMiB: 256 },
    health: { path: '/', intervalMs: 10_000, timeoutMs: 5000 },
    env: {},
    secrets: [],
    domains: [],
    visibility: 'public',
    ...overrides,
  };
}

const nativeBuild = {
  kind: 'build',
  dockerfile: 'Dockerfile',
  context: '.',
  args: {},
  builder: 'native',
} as const;

/** A whole config with defaults, changed by `overrides`. */
function config(overrides: Partial<SlipwayConfig> = {}): SlipwayConfig {
  return {
    services: { web: service() },
    branches: { main: 'production' },
    environments: ['production'],
    previews: { enabled: false, replicas: 1 },
    ...overrides,
  };
}

const cases: Array<{ name: string; yaml: string; config: SlipwayConfig }> = [
  {
    name: 'the smallest file: one image and its port',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n',
    config: config(),
  },
  {
    name: 'an empty build map builds ./Dockerfile natively',
    yaml: 'services:\n  web:\n    build: {}\n    port: 8080\n',
    config: config({ services: { web: service({ source: nativeBuild, port: 8080 }) } }),
  },
  {
    name: 'every service setting spelled out',
    yaml: `services:
  web:
    build:
      dockerfile: docker/web.Dockerfile
      context: apps/web
      args: {NODE_VERSION: 20, DEBUG: false}
      builder: circleci
    port: 3000
    replicas: 3
    resources: {cpu: 500m, memory: 1Gi}
    health: {path: /healthz, interval: 30s, timeout: 2s}
    env:
      LOG_LEVEL: info
      WORKERS: 4
    secrets: [DATABASE_URL, SESSION_KEY]
    domains: [www.example.com, example.com]
    visibility: public
`,
    config: config({
      services: {
        web: service({
          source: {
            kind: 'build',
            dockerfile: 'docker/web.Dockerfile',
            context: 'apps/web',
            args: { NODE_VERSION: '20', DEBUG: 'false' },
            builder: 'circleci',
          },
          port: 3000,
          replicas: 3,
          resources: { cpuMillicores: 500, memoryMiB: 1024 },
          health: { path: '/healthz', intervalMs: 30_000, timeoutMs: 2000 },
          env: { LOG_LEVEL: 'info', WORKERS: '4' },
          secrets: ['DATABASE_URL', 'SESSION_KEY'],
          domains: ['www.example.com', 'example.com'],
        }),
      },
    }),
  },
  {
    name: 'cpu in cores and memory in decimal units',
    yaml: 'services:\n  a:\n    image: x\n    port: 1\n    resources: {cpu: 0.5, memory: 256M}\n  b:\n    image: x\n    port: 65535\n    resources: {cpu: "2", memory: 1.5Gi}\n',
    config: config({
      services: {
        a: service({
          source: { kind: 'image', image: 'x' },
          port: 1,
          resources: { cpuMillicores: 500, memoryMiB: 245 },
        }),
        b: service({
          source: { kind: 'image', image: 'x' },
          port: 65535,
          resources: { cpuMillicores: 2000, memoryMiB: 1536 },
        }),
      },
    }),
  },
  {
    name: 'a short interval halves the default timeout',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    health: {interval: 2s}\n',
    config: config({
      services: { web: service({ health: { path: '/', intervalMs: 2000, timeoutMs: 1000 } }) },
    }),
  },
  {
    name: 'zero replicas keep a service defined but stopped',
    yaml:
      'services:\n  worker:\n    image: acme/worker@sha256:' +
      'a'.repeat(64) +
      '\n    port: 9000\n    replicas: 0\n    visibility: internal\n',
    config: config({
      services: {
        worker: service({
          source: { kind: 'image', image: `acme/worker@sha256:${'a'.repeat(64)}` },
          port: 9000,
          replicas: 0,
          visibility: 'internal',
        }),
      },
    }),
  },
  {
    name: 'branches mapped into declared environments',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\nenvironments: [production, staging]\nbranches:\n  main: production\n  "release/*": staging\n',
    config: config({
      branches: { main: 'production', 'release/*': 'staging' },
      environments: ['production', 'staging'],
    }),
  },
  {
    name: 'without environments, they are the ones the branches name',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\nbranches: {main: production, develop: staging, next: staging}\n',
    config: config({
      branches: { main: 'production', develop: 'staging', next: 'staging' },
      environments: ['production', 'staging'],
    }),
  },
  {
    name: 'without branches, main deploys to the first declared environment',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\nenvironments: [live, test]\n',
    config: config({ branches: { main: 'live' }, environments: ['live', 'test'] }),
  },
  {
    name: 'previews on',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\npreviews: {enabled: true, replicas: 2}\n',
    config: config({ previews: { enabled: true, replicas: 2 } }),
  },
  {
    name: 'anchors, aliases and merge keys under an x- key',
    yaml: `x-defaults: &defaults
  image: nginx:1.27
  port: 80
  resources: {memory: 128Mi}
services:
  web:
    <<: *defaults
    replicas: 2
  admin:
    <<: *defaults
    port: 81
`,
    config: config({
      services: {
        web: service({ replicas: 2, resources: { cpuMillicores: 250, memoryMiB: 128 } }),
        admin: service({ port: 81, resources: { cpuMillicores: 250, memoryMiB: 128 } }),
      },
    }),
  },
  {
    name: 'JSON is YAML too',
    yaml: '{"services": {"web": {"image": "nginx:1.27", "port": 80, "env": {"A": "1"}}}}',
    config: config({ services: { web: service({ env: { A: '1' } }) } }),
  },
  {
    name: 'Windows line endings, comments, quotes and unicode values',
    yaml: '# deploy\r\nservices:\r\n  web: # the site\r\n    image: "nginx:1.27"\r\n    port: 80\r\n    env: {GREETING: \'héllo wörld ✓\'}\r\n',
    config: config({ services: { web: service({ env: { GREETING: 'héllo wörld ✓' } }) } }),
  },
  {
    name: 'an explicit document start and a registry with a port',
    yaml: '---\nservices:\n  web:\n    image: 127.0.0.1:5000/slipway/busybox:local\n    port: 8080\n...\n',
    config: config({
      services: {
        web: service({
          source: { kind: 'image', image: '127.0.0.1:5000/slipway/busybox:local' },
          port: 8080,
        }),
      },
    }),
  },
];

describe('parseSlipwayYaml accepts valid slipway.yaml', () => {
  it.each(cases)('$name', ({ yaml, config: expected }) => {
    expect(parseSlipwayYaml(yaml)).toEqual({ ok: true, config: expected });
  });

  it.each(cases)('round-trips through formatSlipwayYaml: $name', ({ yaml }) => {
    const first = parseSlipwayYaml(yaml);
    if (!first.ok) throw new Error(first.errors.map((e) => e.message).join('\n'));
    expect(parseSlipwayYaml(formatSlipwayYaml(first.config))).toEqual(first);
  });

  it('writes defaults and units the way people write them', () => {
    expect(formatSlipwayYaml(config())).toBe(`services:
  web:
    image: nginx:1.27
    port: 80
    replicas: 1
    resources:
      cpu: 250m
      memory: 256Mi
    health:
      path: /
      interval: 10s
      timeout: 5s
    env: {}
    secrets: []
    domains: []
    visibility: public
branches:
  main: production
environments:
  - production
previews:
  enabled: false
  replicas: 1
`);
  });
});
