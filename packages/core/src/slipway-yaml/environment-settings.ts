import type { SlipwayConfig } from './slipway-schema.js';

/**
 * The environment whose services answer on their custom `domains`: `production` when the
 * repository has it, else its first environment. A domain names one site, so staging and previews
 * answer on their default host names only — a pull request must never take over www.example.com.
 * Pure.
 *
 * @example domainEnvironment(parseSlipwayYaml(text).config) // 'production'
 */
export function domainEnvironment(config: Pick<SlipwayConfig, 'environments'>): string {
  return config.environments.includes('production') ? 'production' : (config.environments[0] ?? 'production');
}

/**
 * What a service gets when a deploy creates or updates it in `environment`: its custom domains
 * only in the {@link domainEnvironment}, and in a preview `previews.replicas` instead of its own. Pure.
 */
export function serviceSettingsIn(
  config: Pick<SlipwayConfig, 'environments' | 'previews'>,
  service: { replicas: number; domains: string[] },
  where: { environment: string; preview: boolean },
): { replicas: number; domains: string[] } {
  return {
    replicas: where.preview ? config.previews.replicas : service.replicas,
    domains: where.environment === domainEnvironment(config) ? service.domains : [],
  };
}
