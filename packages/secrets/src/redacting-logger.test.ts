import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createRedactingLogger, REDACTED, replaceSecrets, secretRedactPaths } from './redacting-logger.js';
import { Secret } from './secret.js';

/** A pino destination that keeps every line in memory. */
function memory() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines, text: () => lines.join('\n') };
}

// Distinct, greppable values, one per shape.
const V = Array.from({ length: 20 }, (_, index) => `s3cr3t-${index}-${index * 7919}`);

describe('createRedactingLogger', () => {
  it('keeps secret values out of every common shape at level debug', () => {
    const { stream, lines, text } = memory();
    const log = createRedactingLogger({ level: 'debug' }, stream);
    log.debug({ name: 'API_TOKEN', value: V[0] }, 'secret set');
    log.debug({ body: { name: 'DATABASE_URL', value: V[1] } }, 'request body');
    log.info({ secret: V[2], job: { secret: V[3] } });
    log.info({ secrets: { API_TOKEN: V[4], DATABASE_URL: V[5] } });
    log.info({ service: { secrets: { API_TOKEN: V[6] } } });
    log.info({ env: { API_TOKEN: { value: V[7] } } });
    log.info({ container: { env: { API_TOKEN: { value: V[8] } } } });
    log.info({ req: { method: 'GET', headers: { authorization: `Bearer ${V[9]}`, cookie: `s=${V[10]}` } } });
    log.info({ headers: { authorization: `token ${V[11]}` } });
    log.warn({ token: V[12], installation: { token: V[13] } }, 'token minted');
    log.warn({ password: V[14], registry: { password: V[15] } });
    log.error({ tenant: 'acme', secret: new Secret(V[16]!), nested: { deep: [{ x: new Secret(V[17]!) }] } });
    log.error({ err: new Error(`cannot connect with ${new Secret(V[18]!)}`) }, 'failed');
    log.info(`template with ${new Secret(V[19]!)}`);

    expect(lines).toHaveLength(14);
    const output = text();
    for (const value of V) expect(output).not.toContain(value);
    // Redacted, not dropped: the records stay useful.
    const records = lines.map((line) => JSON.parse(line));
    expect(records[0]).toMatchObject({ name: 'API_TOKEN', value: REDACTED, msg: 'secret set' });
    expect(records[4]).toMatchObject({ service: { secrets: { API_TOKEN: REDACTED } } });
    expect(records[7].req).toEqual({ method: 'GET', headers: { authorization: REDACTED, cookie: REDACTED } });
    expect(records[11]).toMatchObject({
      tenant: 'acme',
      secret: REDACTED,
      nested: { deep: [{ x: '[secret]' }] },
    });
    expect(records[12].err.message).toBe('cannot connect with [secret]');
    expect(records[13].msg).toBe('template with [secret]');
  });

  it('prints a Secret anywhere in a log object as [secret] instead of failing the line', () => {
    const { stream, lines } = memory();
    const log = createRedactingLogger({ level: 'debug' }, stream);
    log.info({ tenant: 'acme', build: { id: 'b1', webhook: new Secret(V[0]!) } }, 'build queued');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      tenant: 'acme',
      build: { id: 'b1', webhook: '[secret]' },
      msg: 'build queued',
    });
  });

  it('never prints a Secret bound to a child logger or in the base bindings', () => {
    const { stream, text } = memory();
    const log = createRedactingLogger({ level: 'debug', base: { deploy: new Secret(V[1]!) } }, stream);
    log
      .child({ tenant: 'acme' })
      .child({ leaked: new Secret(V[2]!), secret: V[3] })
      .info('from grandchild');
    expect(JSON.parse(text())).toMatchObject({
      deploy: '[secret]',
      tenant: 'acme',
      leaked: '[secret]',
      secret: REDACTED,
      msg: 'from grandchild',
    });
    for (const value of V.slice(1, 4)) expect(text()).not.toContain(value);
  });

  it('adds extra redact paths and keeps the caller’s log formatter', () => {
    const { stream, lines } = memory();
    const log = createRedactingLogger(
      { redact: ['webhook.signature'], formatters: { log: (object) => ({ ...object, formatted: true }) } },
      stream,
    );
    log.info({ webhook: { signature: V[4], id: 'd1' }, value: V[5] });
    expect(JSON.parse(lines[0]!)).toMatchObject({
      webhook: { signature: REDACTED, id: 'd1' },
      value: REDACTED,
      formatted: true,
    });
  });

  it('exposes its paths for other pino setups', () => {
    expect(secretRedactPaths).toEqual(
      expect.arrayContaining(['value', '*.value', 'secrets.*', 'env.*.value', 'req.headers.authorization']),
    );
    expect(Object.isFrozen(secretRedactPaths)).toBe(true);
  });
});

describe('replaceSecrets', () => {
  it('copies only the branches holding a Secret and leaves other objects alone', () => {
    const untouched = { a: 1, list: [1, 2], when: new Date(0) };
    expect(replaceSecrets(untouched)).toBe(untouched);
    const input = { keep: { a: 1 }, change: { s: new Secret('x') }, list: [new Secret('y'), 2] };
    const output = replaceSecrets(input);
    expect(output).toEqual({ keep: { a: 1 }, change: { s: '[secret]' }, list: ['[secret]', 2] });
    expect(output.keep).toBe(input.keep);
    expect(Secret.isSecret(input.change.s)).toBe(true);
  });

  it('keeps an own "__proto__" key a plain key', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "s": 1}') as Record<string, unknown>;
    input.s = new Secret('x');
    const output = replaceSecrets(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
    expect(Object.hasOwn(output, '__proto__')).toBe(true);
    expect(output.s).toBe('[secret]');
  });
});
