import { stringify } from 'yaml';
import { formatMillicores } from '../units/cpu.js';
import { formatMs } from '../units/duration.js';
import { formatMiB } from '../units/memory.js';
import type { ServiceConfig } from './service-schema.js';
import type { SlipwayConfig, SlipwayYamlInput } from './slipway-schema.js';

type ServiceInput = SlipwayYamlInput['services'][string];

function serviceInput(service: ServiceConfig): ServiceInput {
  const { source, resources, health, ...rest } = service;
  const origin =
    source.kind === 'build'
      ? {
          build: {
            dockerfile: source.dockerfile,
            context: source.context,
            args: source.args,
            builder: source.builder,
          },
        }
      : { image: source.image };
  return {
    ...origin,
    port: rest.port,
    replicas: rest.replicas,
    resources: { cpu: formatMillicores(resources.cpuMillicores), memory: formatMiB(resources.memoryMiB) },
    health: { path: health.path, interval: formatMs(health.intervalMs), timeout: formatMs(health.timeoutMs) },
    env: rest.env,
    secrets: rest.secrets,
    domains: rest.domains,
    visibility: rest.visibility,
  };
}

/**
 * Writes a config back as slipway.yaml text, every default spelled out and units in their
 * usual form (`250m`, `1Gi`, `10s`). Parsing the result gives the same config back.
 *
 * @example formatSlipwayYaml(parsed.config) // 'services:\n  web:\n    image: nginx:1.27\n…'
 */
export function formatSlipwayYaml(config: SlipwayConfig): string {
  const input: SlipwayYamlInput = {
    services: Object.fromEntries(Object.entries(config.services).map(([name, s]) => [name, serviceInput(s)])),
    branches: config.branches,
    environments: config.environments,
    previews: config.previews,
  };
  return stringify(input);
}
