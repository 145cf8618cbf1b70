import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { DNS_LABEL_PATTERN, ENV_VAR_NAME_PATTERN } from '../domain/names.js';
import { formatSlipwayYaml } from './format-slipway-yaml.js';
import { parseSlipwayYaml, type SlipwayYamlResult } from './parse-slipway-yaml.js';

/** Every result is well formed: errors point inside the text and their message ends with the position. */
function expectWellFormed(result: SlipwayYamlResult, text: string): void {
  if (result.ok) {
    expect(typeof result.config.services).toBe('object');
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  const lines = text.split('\n').length;
  for (const error of result.errors) {
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.line).toBeLessThanOrEqual(lines);
    expect(error.column).toBeGreaterThanOrEqual(1);
    expect(error.message.endsWith(`(line ${error.line}, column ${error.column})`)).toBe(true);
    expect(error.message.startsWith(`${error.path || 'slipway.yaml'}: `)).toBe(true);
  }
}

/** Pieces of YAML syntax, shuffled into mostly-broken documents. */
const yamlPiece = fc.constantFrom(
  'services:',
  '\n',
  '\n  ',
  '\n    ',
  '\t',
  'web:',
  ' port: 80',
  ' image: x',
  '- ',
  '&a ',
  '*a',
  '<<: ',
  '---\n',
  '...',
  '? ',
  ': ',
  '{',
  '}',
  '[',
  ']',
  ',',
  '"',
  "'",
  '#',
  '!!binary ',
  '!tag ',
  '|',
  '>',
  '%YAML 1.2\n',
  'replicas: -1',
  'cpu: 1m',
  '\u0000',
  '\uFEFF',
  '🚀',
);

const serviceName = fc.stringMatching(DNS_LABEL_PATTERN);
const envName = fc.stringMatching(ENV_VAR_NAME_PATTERN);
const image = fc.constantFrom(
  'nginx:1.27',
  'ghcr.io/acme/web:v2',
  '127.0.0.1:5000/slipway/busybox:local',
  'redis',
);

/** A valid service as a person could write it, with the values we expect back. */
const validService = fc
  .record(
    {
      origin: fc.oneof(
        image.map((i) => ({ image: i })),
        fc
          .record(
            {
              dockerfile: fc.constantFrom('Dockerfile', 'docker/Dockerfile.prod'),
              context: fc.constantFrom('.', 'apps/web'),
              builder: fc.constantFrom('native', 'circleci'),
              args: fc.dictionary(envName, fc.string(), { maxKeys: 3 }),
            },
            { requiredKeys: [] },
          )
          .map((build) => ({ build })),
      ),
      port: fc.integer({ min: 1, max: 65535 }),
      replicas: fc.integer({ min: 0, max: 50 }),
      millicores: fc.integer({ min: 1, max: 64_000 }),
      memoryMiB: fc.integer({ min: 6, max: 256 * 1024 }),
      intervalMs: fc.integer({ min: 2, max: 600_000 }),
      env: fc.dictionary(envName, fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxKeys: 5 }),
      visibility: fc.constantFrom('public', 'internal'),
    },
    { requiredKeys: ['origin', 'port'] },
  )
  .chain((s) =>
    fc
      .integer({ min: 1, max: Math.max(1, (s.intervalMs ?? 10_000) - 1) })
      .map((timeoutMs) => ({ ...s, timeoutMs })),
  );

const validFile = fc
  .record({
    services: fc.dictionary(serviceName, validService, { minKeys: 1, maxKeys: 4 }),
    environments: fc.uniqueArray(fc.stringMatching(DNS_LABEL_PATTERN), { minLength: 1, maxLength: 3 }),
    previews: fc.boolean(),
  })
  .chain((file) =>
    fc
      .dictionary(
        fc.constantFrom('main', 'develop', 'release/*', 'hotfix/*'),
        fc.constantFrom(...file.environments),
      )
      .map((branches) => ({ ...file, branches })),
  );

describe('parseSlipwayYaml (properties)', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expectWellFormed(parseSlipwayYaml(text), text);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on shuffled pieces of YAML syntax', () => {
    fc.assert(
      fc.property(fc.array(yamlPiece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        expectWellFormed(parseSlipwayYaml(text), text);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary data written as YAML, at the top or as a service', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.boolean(), (value, asService) => {
        const text = stringify(asService ? { services: { web: value } } : value);
        expectWellFormed(parseSlipwayYaml(text), text);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on deeply nested or long input', () => {
    for (const text of [
      '['.repeat(100_000),
      `${'a:\n '.repeat(5000)}`,
      `services:\n${'  - x\n'.repeat(20_000)}`,
    ]) {
      expectWellFormed(parseSlipwayYaml(text), text);
    }
  });

  it('accepts every valid file and normalises its units', () => {
    fc.assert(
      fc.property(validFile, (file) => {
        const services = Object.fromEntries(
          Object.entries(file.services).map(([name, s]) => [
            name,
            {
              ...s.origin,
              port: s.port,
              ...(s.replicas === undefined ? {} : { replicas: s.replicas }),
              resources: {
                ...(s.millicores === undefined ? {} : { cpu: `${s.millicores}m` }),
                ...(s.memoryMiB === undefined ? {} : { memory: `${s.memoryMiB}Mi` }),
              },
              health: {
                ...(s.intervalMs === undefined ? {} : { interval: `${s.intervalMs}ms` }),
                timeout: `${s.timeoutMs}ms`,
              },
              ...(s.env === undefined ? {} : { env: s.env }),
              ...(s.visibility === undefined ? {} : { visibility: s.visibility }),
            },
          ]),
        );
        const text = stringify({
          services,
          environments: file.environments,
          branches: file.branches,
          previews: { enabled: file.previews },
        });
        const result = parseSlipwayYaml(text);
        if (!result.ok) throw new Error(`${text}\n${result.errors.map((e) => e.message).join('\n')}`);
        for (const [name, s] of Object.entries(file.services)) {
          const parsed = result.config.services[name];
          expect(parsed?.port).toBe(s.port);
          expect(parsed?.replicas).toBe(s.replicas ?? 1);
          expect(parsed?.resources).toEqual({
            cpuMillicores: s.millicores ?? 250,
            memoryMiB: s.memoryMiB ?? 256,
          });
          expect(parsed?.health.timeoutMs).toBe(s.timeoutMs);
          expect(parsed?.source.kind).toBe('image' in s.origin ? 'image' : 'build');
        }
        expect(result.config.environments).toEqual(file.environments);
        // The formatted config reads back the same.
        expect(parseSlipwayYaml(formatSlipwayYaml(result.config))).toEqual(result);
      }),
      { numRuns: 300 },
    );
  });
});
