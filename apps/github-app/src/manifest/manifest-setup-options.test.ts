import { describe, expect, it } from '@jest/globals';
import { manifestSetupOptionsFromEnv } from './manifest-setup-options.js';

describe('manifestSetupOptionsFromEnv', () => {
  it('registers on github.com at port 3000 by default', () => {
    expect(manifestSetupOptionsFromEnv({}, '/srv/.env')).toEqual({
      port: 3000,
      envFile: '/srv/.env',
      githubUrl: 'https://github.com',
    });
  });

  it('follows GitHub Enterprise, an organisation and a webhook proxy when set', () => {
    expect(
      manifestSetupOptionsFromEnv(
        {
          PORT: '3999',
          GHE_HOST: 'github.acme.test',
          GHE_PROTOCOL: 'http',
          GH_ORG: 'acme',
          WEBHOOK_PROXY_URL: 'https://smee.io/abc',
        },
        '.env',
      ),
    ).toEqual({
      port: 3999,
      envFile: '.env',
      githubUrl: 'http://github.acme.test',
      org: 'acme',
      webhookUrl: 'https://smee.io/abc',
    });
  });
});
