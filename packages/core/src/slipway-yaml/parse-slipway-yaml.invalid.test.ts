import { describe, expect, it } from '@jest/globals';
import { MAX_ERRORS, MAX_SLIPWAY_YAML_LENGTH, parseSlipwayYaml } from './parse-slipway-yaml.js';

interface Case {
  name: string;
  yaml: string;
  /** [path, line, column, message] of every error, in order. */
  errors: Array<[string, number, number, string]>;
}

const cases: Case[] = [
  {
    name: 'a word where a port number belongs',
    yaml: `# slipway.yaml
services:
  web:
    build:
      dockerfile: Dockerfile
    replicas: 2
    port: eighty
`,
    errors: [
      [
        'services.web.port',
        7,
        11,
        "services.web.port: expected a number from 1 to 65535, got 'eighty' (line 7, column 11)",
      ],
    ],
  },
  {
    name: 'a port out of range',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 70000\n',
    errors: [
      [
        'services.web.port',
        4,
        11,
        'services.web.port: expected a number from 1 to 65535, got 70000 (line 4, column 11)',
      ],
    ],
  },
  {
    name: 'a quoted port',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: "80"\n',
    errors: [
      [
        'services.web.port',
        4,
        11,
        "services.web.port: expected a number from 1 to 65535, got '80' (text: remove the quotes) (line 4, column 11)",
      ],
    ],
  },
  {
    name: 'an unknown key close to a known one',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    replica: 2\n',
    errors: [
      [
        'services.web.replica',
        5,
        5,
        "services.web.replica: unknown key 'replica', did you mean 'replicas'? (line 5, column 5)",
      ],
    ],
  },
  {
    name: 'an unknown key like no known one',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    colour: blue\n',
    errors: [
      [
        'services.web.colour',
        5,
        5,
        "services.web.colour: unknown key 'colour', allowed keys here: build, image, port, replicas, resources, health, env, secrets, domains, visibility (line 5, column 5)",
      ],
    ],
  },
  {
    name: 'a misspelt top-level key',
    yaml: 'service:\n  web:\n    image: nginx:1.27\n    port: 80\n',
    errors: [
      ['service', 1, 1, "service: unknown key 'service', did you mean 'services'? (line 1, column 1)"],
      [
        'services',
        1,
        1,
        "services: missing; expected a map of services keyed by name, like 'web:' (line 1, column 1)",
      ],
    ],
  },
  {
    name: 'a transposed key in a nested map',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    resources:\n      memroy: 1Gi\n',
    errors: [
      [
        'services.web.resources.memroy',
        6,
        7,
        "services.web.resources.memroy: unknown key 'memroy', did you mean 'memory'? (line 6, column 7)",
      ],
    ],
  },
  {
    name: 'two services with the same name',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n  web:\n    image: nginx:1.26\n    port: 81\n',
    errors: [
      [
        'services.web',
        5,
        3,
        "services.web: duplicate service name 'web' (first defined on line 2); each service name may appear once (line 5, column 3)",
      ],
    ],
  },
  {
    name: 'a key given twice inside a service',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    port: 81\n',
    errors: [
      [
        'services.web.port',
        5,
        5,
        "services.web.port: duplicate key 'port' (first defined on line 4); each key may appear once (line 5, column 5)",
      ],
    ],
  },
  {
    name: 'a memory size with a unit that is not allowed',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    resources:\n      memory: 512MB\n',
    errors: [
      [
        'services.web.resources.memory',
        6,
        15,
        "services.web.resources.memory: expected a memory size like '512Mi' or '1Gi' (units: Mi, Gi, Ti, M, G, T), got '512MB' (line 6, column 15)",
      ],
    ],
  },
  {
    name: 'a memory size without a unit',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    resources: {memory: 512}\n',
    errors: [
      [
        'services.web.resources.memory',
        5,
        25,
        "services.web.resources.memory: expected a memory size like '512Mi' or '1Gi' (units: Mi, Gi, Ti, M, G, T), got 512 (line 5, column 25)",
      ],
    ],
  },
  {
    name: 'less memory than Docker accepts',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    resources: {memory: 1Mi}\n',
    errors: [
      [
        'services.web.resources.memory',
        5,
        25,
        "services.web.resources.memory: expected at least 6Mi of memory (the least Docker accepts), got '1Mi' (line 5, column 25)",
      ],
    ],
  },
  {
    name: 'a cpu amount that is not one',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    resources:\n      cpu: lots\n',
    errors: [
      [
        'services.web.resources.cpu',
        6,
        12,
        "services.web.resources.cpu: expected a CPU amount in millicores like '250m' or in cores like 0.5, got 'lots' (line 6, column 12)",
      ],
    ],
  },
  {
    name: 'zero cpu',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    resources:\n      cpu: 0m\n',
    errors: [
      [
        'services.web.resources.cpu',
        6,
        12,
        "services.web.resources.cpu: expected at least 1m (a thousandth of a core), got '0m' (line 6, column 12)",
      ],
    ],
  },
  {
    name: 'a branch mapped to an environment that is not declared',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\nenvironments: [production, staging]\nbranches:\n  main: production\n  release/*: stage\n',
    errors: [
      [
        'branches."release/*"',
        8,
        14,
        'branches."release/*": environment \'stage\' is not declared in environments (production, staging); add it there or fix the name (line 8, column 14)',
      ],
    ],
  },
  {
    name: 'both build and image',
    yaml: 'services:\n  web:\n    build: {}\n    image: nginx:1.27\n    port: 80\n',
    errors: [
      [
        'services.web.image',
        4,
        5,
        "services.web.image: use either 'build' or 'image', not both: remove one of them (line 4, column 5)",
      ],
    ],
  },
  {
    name: 'neither build nor image',
    yaml: 'services:\n  web:\n    port: 80\n',
    errors: [
      [
        'services.web',
        2,
        3,
        "services.web: needs either 'build' (build an image from this repository) or 'image' (run an existing image) (line 2, column 3)",
      ],
    ],
  },
  {
    name: 'a host name that is not one',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    domains:\n      - www.example.com\n      - shop_example.com\n',
    errors: [
      [
        'services.web.domains[1]',
        7,
        9,
        "services.web.domains[1]: expected a lowercase host name like 'www.example.com', got 'shop_example.com' (line 7, column 9)",
      ],
    ],
  },
  {
    name: 'an environment variable name starting with a digit',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    env:\n      LOG_LEVEL: debug\n      2FA_SECRET_NAME: totp\n',
    errors: [
      [
        'services.web.env."2FA_SECRET_NAME"',
        7,
        7,
        "services.web.env.\"2FA_SECRET_NAME\": expected an environment variable name of letters, digits and '_', not starting with a digit, got '2FA_SECRET_NAME' (line 7, column 7)",
      ],
    ],
  },
  {
    name: 'an environment variable holding a map',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    env:\n      DB: {host: db}\n',
    errors: [
      [
        'services.web.env.DB',
        6,
        11,
        'services.web.env.DB: expected text, a number or true/false, got a map (line 6, column 11)',
      ],
    ],
  },
  {
    name: 'negative replicas',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    replicas: -1\n',
    errors: [
      [
        'services.web.replicas',
        5,
        15,
        'services.web.replicas: expected a whole number, 0 or more, got -1 (line 5, column 15)',
      ],
    ],
  },
  {
    name: 'a fractional replica count',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    replicas: 1.5\n',
    errors: [
      [
        'services.web.replicas',
        5,
        15,
        'services.web.replicas: expected a whole number, 0 or more, got 1.5 (line 5, column 15)',
      ],
    ],
  },
  {
    name: 'a health timeout as long as the interval',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    health:\n      interval: 5s\n      timeout: 5000ms\n',
    errors: [
      [
        'services.web.health.timeout',
        7,
        16,
        "services.web.health.timeout: expected a timeout shorter than the interval (5s), got '5000ms' (line 7, column 16)",
      ],
    ],
  },
  {
    name: 'a duration with a spelled-out unit',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    health:\n      interval: 5 seconds\n',
    errors: [
      [
        'services.web.health.interval',
        6,
        17,
        "services.web.health.interval: expected a duration like '5s' or '500ms' (units: ms, s, m, h), got '5 seconds' (line 6, column 17)",
      ],
    ],
  },
  {
    name: 'a health path without a leading slash',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    health: {path: healthz}\n',
    errors: [
      [
        'services.web.health.path',
        5,
        20,
        "services.web.health.path: expected a URL path starting with '/', like '/healthz', got 'healthz' (line 5, column 20)",
      ],
    ],
  },
  {
    name: 'a list at the top level',
    yaml: '- web\n- api\n',
    errors: [['', 1, 1, "slipway.yaml: expected a map with a 'services' key, got a list (line 1, column 1)"]],
  },
  {
    name: 'plain text at the top level',
    yaml: 'hello world\n',
    errors: [
      ['', 1, 1, "slipway.yaml: expected a map with a 'services' key, got 'hello world' (line 1, column 1)"],
    ],
  },
  {
    name: 'an empty file',
    yaml: '',
    errors: [
      ['', 1, 1, "slipway.yaml: the file is empty; expected a map with a 'services' key (line 1, column 1)"],
    ],
  },
  {
    name: 'a file of comments only',
    yaml: '# services come later\n\n# really\n',
    errors: [
      ['', 1, 1, "slipway.yaml: the file is empty; expected a map with a 'services' key (line 1, column 1)"],
    ],
  },
  {
    name: 'an unclosed flow map',
    yaml: 'services:\n  web: {image: nginx:1.27, port: 80\n',
    errors: [
      [
        '',
        3,
        1,
        'slipway.yaml: invalid YAML: Flow map in block collection must be sufficiently indented and end with a } (line 3, column 1)',
      ],
    ],
  },
  {
    name: 'tabs used for indentation',
    yaml: 'services:\n  web:\n\timage: nginx:1.27\n',
    errors: [
      [
        '',
        3,
        1,
        'slipway.yaml: invalid YAML: tabs are not allowed as indentation; use spaces (line 3, column 1)',
      ],
    ],
  },
  {
    name: 'two YAML documents',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n---\nservices: {}\n',
    errors: [
      [
        '',
        5,
        1,
        "slipway.yaml: expected one YAML document, found a second one here; remove the '---' separator (line 5, column 1)",
      ],
    ],
  },
  {
    name: 'an alias without an anchor',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: *port\n',
    errors: [
      [
        '',
        4,
        11,
        "slipway.yaml: invalid YAML: alias '*port' refers to no anchor '&port' defined before it (line 4, column 11)",
      ],
    ],
  },
  {
    name: 'a missing port, reported at the service',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n',
    errors: [
      [
        'services.web.port',
        2,
        3,
        'services.web.port: missing; expected a number from 1 to 65535 (line 2, column 3)',
      ],
    ],
  },
  {
    name: 'no services at all',
    yaml: 'services: {}\n',
    errors: [
      ['services', 1, 11, 'services: expected at least one service, got an empty map (line 1, column 11)'],
    ],
  },
  {
    name: 'a service name that is not a DNS label',
    yaml: 'services:\n  Web_1:\n    image: nginx:1.27\n    port: 80\n',
    errors: [
      [
        'services.Web_1',
        2,
        3,
        "services.Web_1: expected a service name of lowercase letters, digits and '-', starting with a letter, at most 63 characters, got 'Web_1' (line 2, column 3)",
      ],
    ],
  },
  {
    name: 'domains on an internal service',
    yaml: 'services:\n  api:\n    image: nginx:1.27\n    port: 80\n    visibility: internal\n    domains: [api.example.com]\n',
    errors: [
      [
        'services.api.domains',
        6,
        5,
        "services.api.domains: domains need visibility 'public'; remove the domains or make the service public (line 6, column 5)",
      ],
    ],
  },
  {
    name: 'one domain on two services',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    domains: [example.com]\n  shop:\n    image: nginx:1.27\n    port: 80\n    domains: [example.com]\n',
    errors: [
      [
        'services.shop.domains[0]',
        9,
        15,
        "services.shop.domains[0]: domain 'example.com' is already used by service 'web'; a domain routes to one service (line 9, column 15)",
      ],
    ],
  },
  {
    name: 'a visibility that does not exist',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    visibility: private\n',
    errors: [
      [
        'services.web.visibility',
        5,
        17,
        "services.web.visibility: expected 'public' or 'internal', got 'private' (line 5, column 17)",
      ],
    ],
  },
  {
    name: 'an unknown builder',
    yaml: 'services:\n  web:\n    build:\n      builder: jenkins\n    port: 80\n',
    errors: [
      [
        'services.web.build.builder',
        4,
        16,
        "services.web.build.builder: expected 'native' or 'circleci', got 'jenkins' (line 4, column 16)",
      ],
    ],
  },
  {
    name: 'a Dockerfile outside the repository',
    yaml: 'services:\n  web:\n    build:\n      dockerfile: ../Dockerfile\n    port: 80\n',
    errors: [
      [
        'services.web.build.dockerfile',
        4,
        19,
        "services.web.build.dockerfile: expected a path inside the repository, like 'Dockerfile' or 'apps/web' (no leading '/', no '..'), got '../Dockerfile' (line 4, column 19)",
      ],
    ],
  },
  {
    name: 'yes where a boolean belongs (YAML 1.2 reads it as text)',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\npreviews:\n  enabled: yes\n',
    errors: [
      ['previews.enabled', 6, 12, "previews.enabled: expected true or false, got 'yes' (line 6, column 12)"],
    ],
  },
  {
    name: 'an empty list of environments',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\nenvironments: []\n',
    errors: [
      [
        'environments',
        5,
        15,
        'environments: expected a list of environment names, at least one, got an empty list (line 5, column 15)',
      ],
    ],
  },
  {
    name: 'an environment listed twice',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\nenvironments:\n  - production\n  - production\n',
    errors: [
      [
        'environments[1]',
        7,
        5,
        "environments[1]: duplicate environment 'production': list each environment once (line 7, column 5)",
      ],
    ],
  },
  {
    name: 'a map used as a key',
    yaml: 'services:\n  ? {web: 1}\n  : image: nginx:1.27\n',
    errors: [['services', 2, 5, 'services: keys must be plain names, not lists or maps (line 2, column 5)']],
  },
  {
    name: 'a key with no name',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n  ? \n  : 1\n',
    errors: [['services', 5, 5, "services: a key is missing before ':' (line 5, column 5)"]],
  },
  {
    name: 'binary data where a map belongs',
    yaml: 'services: !!binary aGVsbG8=\n',
    errors: [
      [
        'services',
        1,
        20,
        "services: expected a map of services keyed by name, like 'web:', got binary data (line 1, column 20)",
      ],
    ],
  },
  {
    name: 'an empty value where a map belongs',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 80\n    health:\n',
    errors: [
      [
        'services.web.health',
        5,
        5,
        'services.web.health: expected a map with path, interval and timeout, got an empty value (line 5, column 5)',
      ],
    ],
  },
  {
    name: 'several mistakes at once, in file order',
    yaml: 'services:\n  web:\n    image: nginx:1.27\n    port: 0\n    replicas: many\nbranches:\n  main: Production\n',
    errors: [
      [
        'services.web.port',
        4,
        11,
        'services.web.port: expected a number from 1 to 65535, got 0 (line 4, column 11)',
      ],
      [
        'services.web.replicas',
        5,
        15,
        "services.web.replicas: expected a whole number, 0 or more, got 'many' (line 5, column 15)",
      ],
      [
        'branches.main',
        7,
        9,
        "branches.main: expected an environment name of lowercase letters, digits and '-', starting with a letter, at most 63 characters, got 'Production' (line 7, column 9)",
      ],
    ],
  },
];

describe('parseSlipwayYaml rejects malformed slipway.yaml', () => {
  it.each(cases)('$name', ({ yaml, errors }) => {
    const result = parseSlipwayYaml(yaml);
    expect(result.ok).toBe(false);
    const got = result.ok ? [] : result.errors.map((e) => [e.path, e.line, e.column, e.message]);
    expect(got).toEqual(errors);
  });

  it('rejects a file over the size limit without parsing it', () => {
    const result = parseSlipwayYaml(`# ${'x'.repeat(MAX_SLIPWAY_YAML_LENGTH)}\n`);
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          code: 'too_large',
          path: '',
          line: 1,
          column: 1,
          message: `slipway.yaml: the file is ${MAX_SLIPWAY_YAML_LENGTH + 3} characters long; the limit is ${MAX_SLIPWAY_YAML_LENGTH} (line 1, column 1)`,
        },
      ],
    });
  });

  it('stops alias bombs ("billion laughs") at the first alias', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) {
      const previous = String.fromCharCode(96 + i);
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${`*${previous}, `.repeat(9)}*${previous}]`,
      );
    }
    const result = parseSlipwayYaml(`${lines.join('\n')}\n`);
    expect(result.ok).toBe(false);
    const [first] = result.ok ? [] : result.errors;
    expect(first).toMatchObject({ code: 'syntax', path: '', line: 2, column: 8 });
    expect(first?.message).toMatch(/^slipway\.yaml: invalid YAML: .*use fewer aliases/);
  });

  it('reports deep nesting as an error', () => {
    const result = parseSlipwayYaml('['.repeat(100_000));
    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.errors[0]?.message).toMatch(
      /^slipway\.yaml: invalid YAML: the file nests too deeply \(line 1, column \d+\)$/,
    );
  });

  it(`cuts the list at ${MAX_ERRORS} errors and says how many more there are`, () => {
    const services = Array.from({ length: 60 }, (_, i) => `  s${i}: {image: x}\n`).join('');
    const result = parseSlipwayYaml(`services:\n${services}`);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toHaveLength(MAX_ERRORS);
    expect(errors[0]?.message).toBe(
      'services.s0.port: missing; expected a number from 1 to 65535 (line 2, column 3)',
    );
    expect(errors.at(-1)).toEqual({
      code: 'too_many_errors',
      path: '',
      line: 51,
      column: 3,
      message: 'slipway.yaml: 11 more errors from here on; fix the ones above first (line 51, column 3)',
    });
  });

  it('answers input that is not text with an error instead of throwing', () => {
    const result = parseSlipwayYaml(42 as unknown as string);
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          code: 'not_text',
          path: '',
          line: 1,
          column: 1,
          message: 'slipway.yaml: expected the text of the file, got number (line 1, column 1)',
        },
      ],
    });
  });

  it('gives every error a code for programs', () => {
    const result = parseSlipwayYaml('services:\n  web:\n    image: x\n    prot: 80\n');
    expect(result.ok ? [] : result.errors.map((e) => e.code)).toEqual(['missing', 'unknown_key']);
  });
});
