import { describe, expect, it } from '@jest/globals';
import { FsStateStore } from './fs-state-store.js';
import { S3StateStore } from './s3-state-store.js';
import { createStateStore, StateConfigError, stateStoreConfigFromEnv } from './state-store-config.js';

describe('stateStoreConfigFromEnv', () => {
  it('defaults to a folder under the working directory', () => {
    expect(stateStoreConfigFromEnv({}, '/srv/app')).toEqual({
      mode: 'local',
      root: '/srv/app/.slipway/state',
    });
    expect(stateStoreConfigFromEnv({ SLIPWAY_DATA_DIR: '/data' }, '/srv')).toEqual({
      mode: 'local',
      root: '/data/state',
    });
  });

  it('reads the S3 variables in AWS mode and names every missing one', () => {
    expect(
      stateStoreConfigFromEnv(
        { SLIPWAY_MODE: 'aws', AWS_REGION: 'eu-west-1', SLIPWAY_STATE_BUCKET: 'acme-state' },
        '/srv',
      ),
    ).toEqual({ mode: 'aws', region: 'eu-west-1', bucket: 'acme-state', prefix: '' });
    expect(() => stateStoreConfigFromEnv({ SLIPWAY_MODE: 'aws' }, '/srv')).toThrow(
      /AWS_REGION: set AWS_REGION[\s\S]*SLIPWAY_STATE_BUCKET: set SLIPWAY_STATE_BUCKET/,
    );
    expect(() => stateStoreConfigFromEnv({ SLIPWAY_MODE: 'cloud' }, '/srv')).toThrow(StateConfigError);
  });

  it('opens the store of each mode', async () => {
    const local = createStateStore({ mode: 'local', root: '/tmp/slipway-state-config-test' });
    const s3 = createStateStore({ mode: 'aws', region: 'us-east-1', bucket: 'b-123', prefix: '' });
    expect(local).toBeInstanceOf(FsStateStore);
    expect(s3).toBeInstanceOf(S3StateStore);
    await Promise.all([local.close(), s3.close()]);
  });
});
