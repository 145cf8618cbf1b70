/** The part of a pino logger the worker uses; pass a pino logger (or a child with tenant ids). */
export interface WorkerLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** A logger that drops everything, for callers that do not care. */
export const silentLogger: WorkerLogger = { info() {}, warn() {}, error() {} };
