import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { AgentAction, ObservedContainer } from './agent-actions.js';
import { diffHost } from './diff-host.js';
import { specFor } from './scheduling-fixtures.js';
import { specHash } from './spec-hash.js';

const web0 = specFor('web-0');
const web1 = specFor('web-1');

function container(
  allocation: string,
  state: ObservedContainer['state'],
  hash: string,
  id = `c-${allocation}`,
) {
  return { allocation, containerId: id, state, specHash: hash };
}

/** What the host looks like after the agent ran `actions` (create = create and start). */
function apply(observed: readonly ObservedContainer[], actions: readonly AgentAction[]): ObservedContainer[] {
  let next = observed.map((c) => ({ ...c }));
  let created = 0;
  for (const action of actions) {
    if (action.kind === 'create') {
      next.push(container(action.allocation, 'running', specHash(action.spec), `new-${created++}`));
    } else {
      const target = next.find((c) => c.containerId === action.containerId);
      if (!target) throw new Error(`${action.kind} of unknown container ${action.containerId}`);
      if (action.kind === 'start') target.state = 'running';
      if (action.kind === 'stop') target.state = 'exited';
      if (action.kind === 'remove') next = next.filter((c) => c !== target);
    }
  }
  return next;
}

describe('diffHost', () => {
  it('creates the containers that are missing, in allocation order', () => {
    expect(diffHost([web1, web0], [])).toEqual([
      { kind: 'create', allocation: 'web-0', spec: web0 },
      { kind: 'create', allocation: 'web-1', spec: web1 },
    ]);
  });

  it('never touches a running container whose spec matches', () => {
    expect(diffHost([web0], [container('web-0', 'running', specHash(web0))])).toEqual([]);
  });

  it('starts a matching container that is created or exited instead of replacing it', () => {
    const observed = [
      container('web-0', 'exited', specHash(web0)),
      container('web-1', 'created', specHash(web1)),
    ];
    expect(diffHost([web0, web1], observed)).toEqual([
      { kind: 'start', allocation: 'web-0', containerId: 'c-web-0' },
      { kind: 'start', allocation: 'web-1', containerId: 'c-web-1' },
    ]);
  });

  it('stops, removes, then creates when the spec changed', () => {
    const newer = specFor('web-0', 'r-2');
    const actions = diffHost([newer], [container('web-0', 'running', specHash(web0))]);
    expect(actions.map((a) => a.kind)).toEqual(['stop', 'remove', 'create']);
    expect(actions[0]).toMatchObject({
      containerId: 'c-web-0',
      reason: expect.stringContaining('spec changed'),
    });
  });

  it('removes containers no longer desired first, stopping only those that run', () => {
    const observed = [container('old-1', 'exited', 'x'), container('old-0', 'running', 'y')];
    expect(diffHost([web0], observed)).toEqual([
      {
        kind: 'stop',
        allocation: 'old-0',
        containerId: 'c-old-0',
        reason: 'allocation is no longer desired on this host',
      },
      {
        kind: 'remove',
        allocation: 'old-0',
        containerId: 'c-old-0',
        reason: 'allocation is no longer desired on this host',
      },
      {
        kind: 'remove',
        allocation: 'old-1',
        containerId: 'c-old-1',
        reason: 'allocation is no longer desired on this host',
      },
      { kind: 'create', allocation: 'web-0', spec: web0 },
    ]);
  });

  it('keeps one of duplicate matching containers, the running one, and removes the rest', () => {
    const hash = specHash(web0);
    const observed = [container('web-0', 'exited', hash, 'a'), container('web-0', 'running', hash, 'b')];
    expect(diffHost([web0], observed)).toEqual([
      {
        kind: 'remove',
        allocation: 'web-0',
        containerId: 'a',
        reason: 'duplicate container for the allocation',
      },
    ]);
  });

  it('replaces a dead container and leaves one Docker is removing alone', () => {
    const hash = specHash(web0);
    expect(diffHost([web0], [container('web-0', 'dead', hash)]).map((a) => a.kind)).toEqual([
      'remove',
      'create',
    ]);
    expect(diffHost([web0], [container('web-0', 'removing', hash)]).map((a) => a.kind)).toEqual(['create']);
  });

  it('is idempotent: applying its actions leaves nothing to do', () => {
    const allocation = fc.constantFrom('a-0', 'a-1', 'a-2', 'a-3');
    const state = fc.constantFrom<ObservedContainer['state']>(
      'created',
      'running',
      'paused',
      'restarting',
      'exited',
      'dead',
      'removing',
    );
    const release = fc.constantFrom('r-1', 'r-2');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(allocation, release), { selector: ([a]) => a }),
        fc.array(fc.tuple(allocation, state, release), { maxLength: 8 }),
        (desiredParts, observedParts) => {
          const desired = desiredParts.map(([a, r]) => specFor(a, r));
          const observed = observedParts.map(([a, s, r], i) =>
            container(a, s, specHash(specFor(a, r)), `c-${i}`),
          );
          const actions = diffHost(desired, observed);
          expect(diffHost(desired, apply(observed, actions))).toEqual([]);
          expect(diffHost([...desired].reverse(), [...observed].reverse())).toEqual(actions);
        },
      ),
    );
  });
});
