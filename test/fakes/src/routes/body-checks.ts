/**
 * Schema checks worded like GitHub's "Invalid request." bodies. Each returns the problems
 * it found; the caller throws one 422 with all of them.
 */
export type Problems = string[];

export function asObject(body: unknown): Record<string, unknown> | undefined {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

export function requireFields(body: Record<string, unknown>, names: string[], problems: Problems): void {
  const missing = names.filter((name) => body[name] === undefined || body[name] === null);
  if (missing.length === 1) problems.push(`"${missing[0]}" wasn't supplied.`);
  if (missing.length > 1) problems.push(`${missing.map((name) => `"${name}"`).join(', ')} weren't supplied.`);
}

export function checkString(
  body: Record<string, unknown>,
  name: string,
  problems: Problems,
  options: { maxLength?: number; prefix?: string } = {},
): void {
  const value = body[name];
  if (value === undefined || value === null) return;
  const where = `${options.prefix ?? ''}${name}`;
  if (typeof value !== 'string') {
    problems.push(`For 'properties/${where}', ${JSON.stringify(value)} is not a string.`);
    return;
  }
  if (options.maxLength !== undefined && value.length > options.maxLength) {
    problems.push(`Only ${options.maxLength} characters are allowed; ${value.length} were supplied.`);
  }
}

export function checkEnum(
  body: Record<string, unknown>,
  name: string,
  allowed: readonly string[],
  problems: Problems,
): void {
  const value = body[name];
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    problems.push(
      `For 'properties/${name}', ${JSON.stringify(value)} is not one of [${allowed.map((item) => `"${item}"`).join(', ')}].`,
    );
  }
}

export function checkTimestamp(body: Record<string, unknown>, name: string, problems: Problems): void {
  const value = body[name];
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(Date.parse(value))) {
    problems.push(
      `For 'properties/${name}', ${JSON.stringify(value)} is not a timestamp (ISO 8601 expected).`,
    );
  }
}

export function checkUrl(body: Record<string, unknown>, name: string, problems: Problems): void {
  const value = body[name];
  if (value === undefined || value === null || value === '') return;
  const valid = typeof value === 'string' && URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
  if (!valid) problems.push(`For 'properties/${name}', ${JSON.stringify(value)} is not a valid http(s) URL.`);
}

export function checkBoolean(body: Record<string, unknown>, name: string, problems: Problems): void {
  const value = body[name];
  if (value !== undefined && value !== null && typeof value !== 'boolean') {
    problems.push(`For 'properties/${name}', ${JSON.stringify(value)} is not a boolean.`);
  }
}
