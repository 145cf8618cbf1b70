import { describe, expect, it } from '@jest/globals';
import { defaultPolicy, type Policy, type PolicyPermissions } from '../domain/policy.js';
import { isLooserOrEqual } from './is-looser-or-equal.js';

const base = defaultPolicy('acme');

function policyWith(permissions: Partial<PolicyPermissions>, limits: Partial<Policy['limits']> = {}): Policy {
  return {
    ...base,
    limits: { ...base.limits, ...limits },
    permissions: { ...base.permissions, ...permissions },
  };
}

describe('isLooserOrEqual(a, b): b allows everything a allows', () => {
  it('holds for equal policies, whatever the tenant', () => {
    expect(isLooserOrEqual(base, base)).toBe(true);
    expect(isLooserOrEqual(base, { ...base, tenant: 'other' })).toBe(true);
  });

  it.each(Object.keys(base.limits) as (keyof Policy['limits'])[])('compares limits.%s', (limit) => {
    const higher = policyWith({}, { [limit]: base.limits[limit] + 1 });
    expect(isLooserOrEqual(base, higher)).toBe(true);
    expect(isLooserOrEqual(higher, base)).toBe(false);
  });

  it.each(['publicLoadBalancers', 'privileged'] as const)(
    'compares permissions.%s as false < true',
    (key) => {
      const granted = policyWith({ [key]: true });
      const refused = policyWith({ [key]: false });
      expect(isLooserOrEqual(refused, granted)).toBe(true);
      expect(isLooserOrEqual(granted, refused)).toBe(false);
    },
  );

  it.each<[string, Partial<PolicyPermissions>, Partial<PolicyPermissions>, boolean]>([
    ['builders ⊇', { allowedBuilders: ['native'] }, { allowedBuilders: ['circleci', 'native'] }, true],
    ['builders ⊉', { allowedBuilders: ['native', 'circleci'] }, { allowedBuilders: ['native'] }, false],
    ['registries ⊇', { allowedRegistries: ['ghcr.io'] }, { allowedRegistries: ['quay.io', 'ghcr.io'] }, true],
    ['registries, other case', { allowedRegistries: ['GHCR.io'] }, { allowedRegistries: ['ghcr.io'] }, true],
    [
      'registries, Hub alias',
      { allowedRegistries: ['index.docker.io'] },
      { allowedRegistries: ['docker.io'] },
      true,
    ],
    ['registries ⊉', { allowedRegistries: ['ghcr.io'] }, { allowedRegistries: [] }, false],
    ['capabilities ⊇', { capabilities: ['NET_ADMIN'] }, { capabilities: ['CHOWN', 'NET_ADMIN'] }, true],
    ['capabilities under ALL', { capabilities: ['NET_ADMIN', 'CHOWN'] }, { capabilities: ['ALL'] }, true],
    ['ALL needs ALL', { capabilities: ['ALL'] }, { capabilities: ['NET_ADMIN', 'CHOWN'] }, false],
    ['capabilities ⊉', { capabilities: ['NET_ADMIN'] }, { capabilities: ['NET_RAW'] }, false],
    ['host path under a prefix', { hostVolumePaths: ['/data/app'] }, { hostVolumePaths: ['/data'] }, true],
    ['host path above a prefix', { hostVolumePaths: ['/data'] }, { hostVolumePaths: ['/data/app'] }, false],
    ['host path beside a prefix', { hostVolumePaths: ['/database'] }, { hostVolumePaths: ['/data'] }, false],
    ['host paths under /', { hostVolumePaths: ['/data', '/etc'] }, { hostVolumePaths: ['/'] }, true],
    [
      'host path, other spelling',
      { hostVolumePaths: ['/data/'] },
      { hostVolumePaths: ['/srv/../data'] },
      true,
    ],
    ['a prefix that allows nothing', { hostVolumePaths: ['/..'] }, { hostVolumePaths: [] }, true],
  ])('%s: %j → %j is %s', (_, a, b, looser) => {
    expect(isLooserOrEqual(policyWith(a), policyWith(b))).toBe(looser);
  });
});
