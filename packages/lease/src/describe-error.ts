import { LeaseError } from './lease-error.js';

/** One line for logs and step-down reasons: the code or error name, then the message. */
export function describeError(error: unknown): string {
  if (error instanceof LeaseError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
