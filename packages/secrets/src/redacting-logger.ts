import { type Bindings, type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { SECRET_PLACEHOLDER, Secret } from './secret.js';

/** What pino writes in place of a redacted field. */
export const REDACTED = '[redacted]';

/**
 * pino `redact` paths for the places a secret value tends to sneak into a log object: secret API
 * bodies (`value`, `secrets.*`), env entries (`env.*.value`), credentials and auth headers. A top-level
 * `*` matches any key, so `*.token` covers `{ job: { token } }`.
 */
export const secretRedactPaths: readonly string[] = Object.freeze([
  'value',
  '*.value',
  'secret',
  '*.secret',
  'secrets.*',
  '*.secrets.*',
  'env.*.value',
  '*.env.*.value',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'password',
  '*.password',
  'privateKey',
  '*.privateKey',
  'plaintext',
  '*.plaintext',
  'authorization',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'request.headers.authorization',
  'request.headers.cookie',
  'res.headers["set-cookie"]',
]);

const MAX_DEPTH = 8;

/**
 * Replaces every `Secret` in a log object with `[secret]`, wherever it sits (pino would otherwise
 * hit `Secret#toJSON`, which throws). Copies only the branches that hold one; other objects
 * (Errors, Dates, Buffers, class instances) are left to pino's serialisers.
 */
export function replaceSecrets<T>(value: T, depth = 0): T {
  if (Secret.isSecret(value)) return SECRET_PLACEHOLDER as T;
  if (depth >= MAX_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const replaced = replaceSecrets(item, depth + 1);
      if (replaced !== item) {
        copy ??= [...value];
        copy[index] = replaced;
      }
    });
    return (copy ?? value) as T;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  let changed = false;
  const entries = Object.entries(value).map(([key, item]) => {
    const replaced = replaceSecrets(item, depth + 1);
    changed ||= replaced !== item;
    return [key, replaced] as const;
  });
  // fromEntries defines properties, so even an own "__proto__" key stays a plain key.
  return changed ? (Object.fromEntries(entries) as T) : value;
}

export interface RedactingLoggerOptions extends Omit<LoggerOptions, 'redact'> {
  /** Extra redact paths, added to `secretRedactPaths`. */
  redact?: readonly string[];
}

/**
 * A pino logger that censors `secretRedactPaths` (plus `options.redact`) as `[redacted]` and prints any
 * `Secret` in a log object or child binding as `[secret]`. Every Slipway process should log through it.
 *
 * @example
 * const log = createRedactingLogger({ name: 'controller', level: 'info' });
 * log.info({ tenant, body }, 'secret set'); // body.value → "[redacted]"
 */
export function createRedactingLogger(
  options: RedactingLoggerOptions = {},
  destination?: DestinationStream,
): Logger {
  const { redact = [], formatters = {}, ...rest } = options;
  const { log, bindings } = formatters;
  const loggerOptions: LoggerOptions = {
    ...rest,
    redact: { paths: [...new Set([...secretRedactPaths, ...redact])], censor: REDACTED },
    formatters: {
      ...formatters,
      log: (object) => replaceSecrets(log ? log(object) : object),
      // Root bindings (`base`) only: pino resets this formatter for children (see below).
      bindings: (values) => replaceSecrets(bindings ? bindings(values) : values),
    },
  };
  const logger = destination ? pino(loggerOptions, destination) : pino(loggerOptions);
  // Children inherit from their parent's object, so this one override covers every descendant.
  // Untyped on purpose: pino's generic child signature does not survive `call` in every program
  // that includes it (the custom-levels type parameter is inferred differently).
  type ChildFn = (this: Logger, bindings: Bindings, options?: unknown) => Logger;
  const child = logger.child as unknown as ChildFn;
  const childWithoutSecrets: ChildFn = function (this: Logger, childBindings, childOptions) {
    return child.call(this, replaceSecrets(childBindings), childOptions);
  };
  logger.child = childWithoutSecrets as unknown as Logger['child'];
  return logger;
}
