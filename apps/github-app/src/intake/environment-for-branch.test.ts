import { describe, expect, it } from '@jest/globals';
import { environmentForBranch } from './environment-for-branch.js';

describe('environmentForBranch', () => {
  const branches = {
    main: 'production',
    'release/*': 'staging',
    'feature-*': 'dev',
    'release/1.0': 'legacy',
  };

  it('prefers an exact name over a pattern', () => {
    expect(environmentForBranch(branches, 'main')).toBe('production');
    expect(environmentForBranch(branches, 'release/1.0')).toBe('legacy');
  });

  it('matches * within one path segment only', () => {
    expect(environmentForBranch(branches, 'release/1.2')).toBe('staging');
    expect(environmentForBranch(branches, 'release/1/hotfix')).toBeUndefined();
    expect(environmentForBranch(branches, 'feature-x')).toBe('dev');
  });

  it('treats other characters literally and leaves unmapped branches out', () => {
    expect(environmentForBranch({ 'v1.0': 'production' }, 'v1x0')).toBeUndefined();
    expect(environmentForBranch(branches, 'develop')).toBeUndefined();
    expect(environmentForBranch(branches, 'toString')).toBeUndefined();
  });
});
