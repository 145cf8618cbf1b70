import { describe, expect, it } from '@jest/globals';
import { CircleciConfigError, circleciConfigFromEnv } from './circleci-config.js';

// A syntactically valid PEM is enough: the config only reads it.
const PRIVATE_KEY = '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n';
const base = { APP_ID: '1', PRIVATE_KEY };

describe('circleciConfigFromEnv', () => {
  it('has defaults for everything but the GitHub App', () => {
    const config = circleciConfigFromEnv(base, '/srv');
    expect(config).toMatchObject({
      apiUrl: 'https://circleci.com',
      appUrl: 'https://app.circleci.com',
      webhook: { host: '127.0.0.1', port: 4200 },
      pollIntervalMs: 30_000,
      timeoutMs: 6 * 60 * 60 * 1000,
      noWorkflowMs: 5 * 60 * 1000,
      concurrency: 20,
      dataDir: '/srv/.slipway',
      shared: { mode: 'local', keyPrefix: 'slipway', registry: { kind: 'local', address: '127.0.0.1:5000' } },
    });
  });

  it('reads the webhook port, the API and the poll interval', () => {
    const config = circleciConfigFromEnv(
      {
        ...base,
        CIRCLECI_URL: 'http://127.0.0.1:9999',
        SLIPWAY_CIRCLECI_WEBHOOK_PORT: '4321',
        SLIPWAY_CIRCLECI_POLL_MS: '500',
        SLIPWAY_CIRCLECI_TIMEOUT_MS: '7200000',
        SLIPWAY_CIRCLECI_NO_WORKFLOW_MS: '60000',
      },
      '/srv',
    );
    expect(config).toMatchObject({
      apiUrl: 'http://127.0.0.1:9999',
      webhook: { port: 4321 },
      pollIntervalMs: 500,
      timeoutMs: 7_200_000,
      noWorkflowMs: 60_000,
    });
  });

  it('names every bad variable at once', () => {
    const read = () =>
      circleciConfigFromEnv(
        {
          ...base,
          CIRCLECI_URL: 'nope',
          SLIPWAY_CIRCLECI_WEBHOOK_PORT: '70000',
          SLIPWAY_CIRCLECI_TIMEOUT_MS: 'soon',
        },
        '/srv',
      );
    expect(read).toThrow(CircleciConfigError);
    expect(read).toThrow(
      /CIRCLECI_URL[\s\S]*SLIPWAY_CIRCLECI_WEBHOOK_PORT[\s\S]*SLIPWAY_CIRCLECI_TIMEOUT_MS/,
    );
  });
});
