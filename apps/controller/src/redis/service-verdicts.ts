import type { Redis } from 'ioredis';
import type { z } from 'zod';

/** `<environment>/<service>`: the field of a service in a {@link ServiceVerdicts} hash. */
export const verdictField = (environment: string, service: string) => `${environment}/${service}`;

/**
 * A leader loop's last verdict on each service of a tenant, as one Redis hash per tenant
 * (`<key(tenant)>`: `<environment>/<service>` → JSON). Derived state: never durable (DESIGN.md
 * §4 rule 8), replaced whole by each pass, read by the API on every replica.
 */
export class ServiceVerdicts<T> {
  readonly #redis: Redis;
  readonly #key: (tenant: string) => string;
  readonly #schema: z.ZodType<T>;

  constructor(options: { redis: Redis; key: (tenant: string) => string; schema: z.ZodType<T> }) {
    this.#redis = options.redis;
    this.#key = options.key;
    this.#schema = options.schema;
  }

  /** The tenant's verdicts by field; a value that is not one (an older format) is skipped. */
  async read(tenant: string): Promise<Map<string, T>> {
    const raw = await this.#redis.hgetall(this.#key(tenant));
    const verdicts = new Map<string, T>();
    for (const [field, value] of Object.entries(raw)) {
      try {
        const parsed = this.#schema.safeParse(JSON.parse(value));
        if (parsed.success) verdicts.set(field, parsed.data);
      } catch {
        // Not JSON: skipped; the next pass overwrites it.
      }
    }
    return verdicts;
  }

  /** Replaces the tenant's verdicts with `verdicts` in one transaction (services gone drop out). */
  async write(tenant: string, verdicts: ReadonlyMap<string, T>): Promise<void> {
    const key = this.#key(tenant);
    const transaction = this.#redis.multi().del(key);
    if (verdicts.size > 0)
      transaction.hset(
        key,
        Object.fromEntries([...verdicts].map(([field, v]) => [field, JSON.stringify(v)])),
      );
    const results = await transaction.exec();
    for (const [error] of results ?? []) if (error) throw error;
  }
}
