import { describe, expect, it } from '@jest/globals';
import { ZodError } from 'zod';
import { defaultPolicy } from '../domain/policy.js';
import { applyPolicyPatch, type PolicyPatch, policyPatchSchema } from './policy-patch.js';

const policy = defaultPolicy('acme');

describe('policyPatchSchema', () => {
  it.each<[string, unknown]>([
    ['one limit', { limits: { replicasPerService: 20 } }],
    ['one permission', { permissions: { privileged: true } }],
    ['both', { limits: { hosts: 0 }, permissions: { hostVolumePaths: ['/data'], allowedBuilders: [] } }],
    ['nothing', {}],
  ])('accepts %s', (_, patch) => {
    expect(policyPatchSchema.safeParse(patch).success).toBe(true);
  });

  it.each<[string, unknown, (string | number)[]]>([
    ['an unknown limit', { limits: { replicas: 20 } }, ['limits']],
    ['an unknown permission', { permissions: { root: true } }, ['permissions']],
    ['an unknown section', { quotas: {} }, []],
    ['the tenant', { tenant: 'other' }, []],
    ['a negative limit', { limits: { hosts: -1 } }, ['limits', 'hosts']],
    ['a fractional limit', { limits: { cpuMillicores: 1.5 } }, ['limits', 'cpuMillicores']],
    [
      'a relative host path',
      { permissions: { hostVolumePaths: ['data'] } },
      ['permissions', 'hostVolumePaths', 0],
    ],
    [
      'an unknown builder',
      { permissions: { allowedBuilders: ['jenkins'] } },
      ['permissions', 'allowedBuilders', 0],
    ],
    [
      'a lower-case capability',
      { permissions: { capabilities: ['net_admin'] } },
      ['permissions', 'capabilities', 0],
    ],
    ['a string for a boolean', { permissions: { privileged: 'yes' } }, ['permissions', 'privileged']],
  ])('refuses %s, naming the field', (_, patch, path) => {
    const result = policyPatchSchema.safeParse(patch);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([path]);
  });
});

describe('applyPolicyPatch', () => {
  it('changes only the patched settings', () => {
    expect(applyPolicyPatch(policy, { limits: { replicasPerService: 20 } })).toEqual({
      ...policy,
      limits: { ...policy.limits, replicasPerService: 20 },
    });
  });

  it('replaces lists whole', () => {
    const once = applyPolicyPatch(policy, { permissions: { hostVolumePaths: ['/data', '/var/log'] } });
    const twice = applyPolicyPatch(once, { permissions: { hostVolumePaths: ['/srv'] } });
    expect(twice.permissions.hostVolumePaths).toEqual(['/srv']);
  });

  it('leaves a setting given as undefined as it was', () => {
    expect(applyPolicyPatch(policy, { limits: { hosts: undefined } })).toEqual(policy);
  });

  it('does not change the policy it was given', () => {
    const before = structuredClone(policy);
    applyPolicyPatch(policy, { limits: { hosts: 1 }, permissions: { capabilities: ['NET_ADMIN'] } });
    expect(policy).toEqual(before);
  });

  it('throws a ZodError for an invalid patch', () => {
    expect(() => applyPolicyPatch(policy, { limits: { hosts: -1 } } as PolicyPatch)).toThrow(ZodError);
    expect(() => applyPolicyPatch(policy, { tenant: 'other' } as unknown as PolicyPatch)).toThrow(ZodError);
  });
});
