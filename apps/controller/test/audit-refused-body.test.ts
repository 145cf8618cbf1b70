// A mutating call whose body never parses still leaves its audit entry: the refusal is on
// record like any other, and nothing is logged as a failure to audit.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, makeTenant, makeToken, makeUser, startHarness } from './support/api-harness.js';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

describe('audit of calls refused for their body', () => {
  it('records a malformed JSON body as a failed call of its route, with the 400 the caller got', async () => {
    const owner = await makeUser(harness, 'olga');
    await makeTenant(harness, 'acme', [{ user: owner.id, role: 'owner' }]);
    const { token } = await makeToken(harness, owner.id, { tenant: 'acme', role: 'owner' });

    const response = await fetch(`${harness.url}/v1/tenants/acme/join-tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"uses": 3,',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/JSON/i);

    const { items } = await harness.controller.services.audit.query({ tenant: 'acme' });
    expect(items).toEqual([
      expect.objectContaining({ action: 'join-tokens.create', outcome: 'failed', status: 400 }),
    ]);
    expect(harness.logs.filter((line) => line.includes('could not append the audit entry'))).toEqual([]);
  });
});
