import { describe, expect, it } from '@jest/globals';
import { domainEnvironment, serviceSettingsIn } from './environment-settings.js';

const web = { replicas: 3, domains: ['www.example.com'] };
const previews = { enabled: true, replicas: 1 };

describe('environment settings', () => {
  it('serves custom domains from production, else the first environment', () => {
    expect(domainEnvironment({ environments: ['staging', 'production'] })).toBe('production');
    expect(domainEnvironment({ environments: ['live', 'staging'] })).toBe('live');
  });

  it('gives staging and previews no custom domain, and previews their own replicas', () => {
    const config = { environments: ['production', 'staging'], previews };
    expect(serviceSettingsIn(config, web, { environment: 'production', preview: false })).toEqual(web);
    expect(serviceSettingsIn(config, web, { environment: 'staging', preview: false })).toEqual({
      replicas: 3,
      domains: [],
    });
    expect(serviceSettingsIn(config, web, { environment: 'pr-7', preview: true })).toEqual({
      replicas: 1,
      domains: [],
    });
  });
});
