import {
  DEFAULT_BRANCH,
  DEFAULT_ENVIRONMENT,
  parseSlipwayYaml,
  type ServiceConfig,
  type SlipwayConfig,
  type SlipwayYamlError,
} from '@slipway/core';
import { ApiError, type FieldError } from '../api/errors.js';
import type { CreateServicesBody } from './create-request.js';

/** One service to create, with where its settings were given in the request (for error fields). */
export interface RequestedService {
  name: string;
  config: ServiceConfig;
  /** `replicas` → `body.replicas` (image form) or `body.slipwayYaml.services.web.replicas`. */
  fieldOf(setting: string | undefined): string;
}

export interface CreateRequest {
  environment: string;
  repo: string | undefined;
  services: RequestedService[];
}

const IMAGE_SETTINGS = [
  'image',
  'port',
  'replicas',
  'env',
  'secrets',
  'domains',
  'visibility',
  'health',
] as const;
const YAML_ONLY = ['slipwayYaml', 'services', 'repo'] as const;

const POSITION_SUFFIX = / \(line \d+, column \d+\)$/;

/** "services.web.port: expected …, got 'x' (line 1, column 9)" → "expected …, got 'x'". */
function problemOf(error: SlipwayYamlError): string {
  const withoutPosition = error.message.replace(POSITION_SUFFIX, '');
  const prefix = `${error.path === '' ? 'slipway.yaml' : error.path}: `;
  return withoutPosition.startsWith(prefix) ? withoutPosition.slice(prefix.length) : withoutPosition;
}

/** Where the image form gave a setting: `services.web.resources.cpu` → `body.cpu`. */
function imageFormPath(yamlPath: string, name: string): string {
  const inService = `services.${name}.`;
  if (!yamlPath.startsWith(inService)) return 'body';
  const rest = yamlPath.slice(inService.length);
  return `body.${rest.startsWith('resources.') ? rest.slice('resources.'.length) : rest}`;
}

/**
 * The image form as the slipway.yaml it stands for, validated by the same parser (JSON is
 * YAML), so its units, defaults and messages are slipway.yaml's.
 */
function parseImageForm(body: CreateServicesBody): RequestedService[] {
  const misplaced = YAML_ONLY.filter((key) => body[key] !== undefined);
  if (misplaced.length > 0) {
    throw ApiError.invalid(
      'give either slipwayYaml or one image service (name, image …), not parts of both',
      misplaced.map((key) => ({ path: `body.${key}`, message: 'only with slipwayYaml' })),
    );
  }
  if (body.name === undefined || body.image === undefined) {
    throw ApiError.invalid('give slipwayYaml, or name and image for one image service', [
      ...(body.name === undefined ? [{ path: 'body.name', message: 'required without slipwayYaml' }] : []),
      ...(body.image === undefined ? [{ path: 'body.image', message: 'required without slipwayYaml' }] : []),
    ]);
  }
  const name = body.name;
  const settings: Record<string, unknown> = {};
  for (const key of IMAGE_SETTINGS) if (body[key] !== undefined) settings[key] = body[key];
  if (body.cpu !== undefined || body.memory !== undefined) {
    settings.resources = {
      ...(body.cpu !== undefined ? { cpu: body.cpu } : {}),
      ...(body.memory !== undefined ? { memory: body.memory } : {}),
    };
  }
  const parsed = parseSlipwayYaml(JSON.stringify({ services: { [name]: settings } }));
  if (!parsed.ok) {
    const fields = parsed.errors.map((e) => ({ path: imageFormPath(e.path, name), message: problemOf(e) }));
    throw ApiError.invalid(
      `invalid service: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
      fields,
    );
  }
  const config = parsed.config.services[name]!;
  const fieldFor: Record<string, string> = { cpu: 'body.cpu', memory: 'body.memory' };
  return [
    { name, config, fieldOf: (setting) => (setting ? (fieldFor[setting] ?? `body.${setting}`) : 'body') },
  ];
}

/** The environment slipway.yaml sends its default branch to (else the first it declares, else production). */
function defaultEnvironment(config: SlipwayConfig): string {
  return config.branches[DEFAULT_BRANCH] ?? config.environments[0] ?? DEFAULT_ENVIRONMENT;
}

function yamlErrorFields(errors: readonly SlipwayYamlError[]): FieldError[] {
  return errors.map((e) => ({
    path: e.path === '' ? 'body.slipwayYaml' : `body.slipwayYaml.${e.path}`,
    message: e.message,
  }));
}

function parseYamlForm(body: CreateServicesBody & { slipwayYaml: string }): CreateRequest {
  const parsed = parseSlipwayYaml(body.slipwayYaml);
  if (!parsed.ok) {
    const fields = yamlErrorFields(parsed.errors);
    throw ApiError.invalid(`slipway.yaml is not valid: ${fields.map((f) => f.message).join('; ')}`, fields);
  }
  const { config } = parsed;
  const environment = body.environment ?? defaultEnvironment(config);
  const declared = config.environments;
  if (body.environment !== undefined && !declared.includes(environment)) {
    throw ApiError.invalid(`environment '${environment}' is not one of slipway.yaml's environments`, [
      { path: 'body.environment', message: `one of ${declared.join(', ')}` },
    ]);
  }
  const names = body.services ?? Object.keys(config.services);
  const unknown = names.flatMap((name, i) =>
    config.services[name]
      ? []
      : [{ path: `body.services.${i}`, message: `slipway.yaml has no service '${name}'` }],
  );
  if (unknown.length > 0) throw ApiError.invalid('some services are not in slipway.yaml', unknown);
  const services = [...new Set(names)].map((name) => {
    const config_ = config.services[name]!;
    const base = `body.slipwayYaml.services.${name}`;
    const fieldFor: Record<string, string> = {
      cpu: `${base}.resources.cpu`,
      memory: `${base}.resources.memory`,
      builder: `${base}.build.builder`,
    };
    return {
      name,
      config: config_,
      fieldOf: (setting: string | undefined) =>
        setting === undefined || setting === 'name' ? base : (fieldFor[setting] ?? `${base}.${setting}`),
    };
  });
  const builds = services.filter((s) => s.config.source.kind === 'build');
  if (builds.length > 0 && body.repo === undefined) {
    throw ApiError.invalid(
      `${builds.map((s) => s.name).join(', ')} ${builds.length === 1 ? 'is' : 'are'} built from a repository: give repo (owner/name)`,
      [
        {
          path: 'body.repo',
          message: 'the GitHub repository (owner/name) the build services are built from',
        },
      ],
    );
  }
  return { environment, repo: body.repo, services };
}

/** Reads either form of the create body into the services to create, or throws a 400 with fields. */
export function parseCreateRequest(body: CreateServicesBody): CreateRequest {
  if (body.slipwayYaml !== undefined) {
    const imageOnly = (
      [
        'name',
        'image',
        'port',
        'replicas',
        'cpu',
        'memory',
        'env',
        'secrets',
        'domains',
        'visibility',
        'health',
      ] as const
    ).filter((key) => body[key] !== undefined);
    if (imageOnly.length > 0) {
      throw ApiError.invalid(
        'give either slipwayYaml or one image service (name, image …), not parts of both',
        imageOnly.map((key) => ({
          path: `body.${key}`,
          message: 'only without slipwayYaml (write it in slipway.yaml)',
        })),
      );
    }
    return parseYamlForm({ ...body, slipwayYaml: body.slipwayYaml });
  }
  return {
    environment: body.environment ?? DEFAULT_ENVIRONMENT,
    repo: undefined,
    services: parseImageForm(body),
  };
}
