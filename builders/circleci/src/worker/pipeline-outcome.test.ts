import { describe, expect, it } from '@jest/globals';
import { pipelineOutcome, pipelineUrlOf, workflowUrlOf } from './pipeline-outcome.js';

const wf = (status: string, name = 'build') => ({ id: `${name}-id`, name, status });

describe('pipelineOutcome', () => {
  it('waits while there is no workflow yet, or one still runs or waits for approval', () => {
    expect(pipelineOutcome([])).toEqual({ state: 'running' });
    expect(pipelineOutcome([wf('success'), wf('running', 'lint')])).toEqual({ state: 'running' });
    expect(pipelineOutcome([wf('on_hold')])).toEqual({ state: 'running' });
    expect(pipelineOutcome([wf('failing')])).toEqual({ state: 'running' });
  });

  it('fails on any failed, errored or unauthorized workflow, before a cancel', () => {
    expect(pipelineOutcome([wf('canceled', 'a'), wf('error', 'b')])).toEqual({
      state: 'failed',
      workflow: wf('error', 'b'),
    });
    expect(pipelineOutcome([wf('unauthorized')]).state).toBe('failed');
  });

  it('is cancelled when a workflow was cancelled, and succeeded when every workflow is done and one succeeded', () => {
    expect(pipelineOutcome([wf('success', 'a'), wf('canceled', 'b')]).state).toBe('cancelled');
    expect(pipelineOutcome([wf('success', 'a'), wf('not_run', 'b')])).toEqual({
      state: 'succeeded',
      workflow: wf('success', 'a'),
    });
  });

  it('fails a pipeline none of whose workflows ran', () => {
    expect(pipelineOutcome([wf('not_run')]).state).toBe('failed');
  });
});

describe('workflowUrlOf', () => {
  it("names the workflow's page on the web app", () => {
    expect(
      workflowUrlOf('https://app.circleci.com/', {
        projectSlug: 'gh/acme/web',
        pipelineNumber: 12,
        workflowId: 'w1',
      }),
    ).toBe('https://app.circleci.com/pipelines/github/acme/web/12/workflows/w1');
  });
});

describe('pipelineUrlOf', () => {
  it("names the pipeline's page, spelling bb as bitbucket", () => {
    expect(pipelineUrlOf('https://app.circleci.com', { projectSlug: 'bb/acme/web', pipelineNumber: 3 })).toBe(
      'https://app.circleci.com/pipelines/bitbucket/acme/web/3',
    );
  });
});
