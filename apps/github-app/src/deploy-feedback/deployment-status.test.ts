import { describe, expect, it } from '@jest/globals';
import type { DeployFeedbackJob } from '@slipway/queue';
import { deploymentState, deploymentStatusFields } from './deployment-status.js';

const job = (fields: Partial<DeployFeedbackJob>): DeployFeedbackJob => ({
  tenant: 'acme',
  environment: 'production',
  service: 'web',
  rolloutId: 'ro-00mfx2k3a1-1a2b3c4d',
  installationId: 1,
  repository: { id: 2, fullName: 'acme/web' },
  commit: 'c'.repeat(40),
  status: 'in_progress',
  title: 'Deploying release r-2: 1 of 6 steps done',
  summary: '…',
  startedAt: '2026-11-26T14:00:00.000Z',
  completedAt: null,
  sequence: 1,
  url: 'http://web.acme.localhost:8080',
  ...fields,
});

describe('deploymentStatusFields', () => {
  it('maps each rollout state to a deployment state; cancelled is inactive', () => {
    expect(deploymentState({ status: 'queued' })).toBe('queued');
    expect(deploymentState({ status: 'in_progress' })).toBe('in_progress');
    expect(deploymentState({ status: 'completed', conclusion: 'success' })).toBe('success');
    expect(deploymentState({ status: 'completed', conclusion: 'failure' })).toBe('failure');
    expect(deploymentState({ status: 'completed', conclusion: 'cancelled' })).toBe('inactive');
  });

  it('gives the environment URL on success only, the check run as log URL, and never auto-inactivates', () => {
    const checkRun = 'https://github.com/acme/web/runs/9';
    expect(deploymentStatusFields(job({}), checkRun)).toEqual({
      state: 'in_progress',
      description: 'Deploying release r-2: 1 of 6 steps done',
      log_url: checkRun,
      auto_inactive: false,
    });
    expect(
      deploymentStatusFields(job({ status: 'completed', conclusion: 'success', title: 'Deployed' }), null),
    ).toEqual({
      state: 'success',
      description: 'Deployed',
      environment_url: 'http://web.acme.localhost:8080',
      auto_inactive: false,
    });
    const internal = deploymentStatusFields(
      job({ status: 'completed', conclusion: 'success', url: null }),
      null,
    );
    expect(internal).not.toHaveProperty('environment_url');
  });

  it('cuts the description to GitHub’s 140 characters', () => {
    const fields = deploymentStatusFields(job({ title: 'x'.repeat(200) }), null);
    expect(fields.description).toHaveLength(140);
    expect(fields.description.endsWith('…')).toBe(true);
  });
});
