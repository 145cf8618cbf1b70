import type { WorkerLogger } from '../../src/index.js';

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** A logger that keeps every entry, so a test can look for warnings, and for secrets that must not be there. */
export function memoryLogger(): WorkerLogger & { entries: LogEntry[]; text(): string } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (fields: Record<string, unknown>, message: string) => {
    entries.push({ level, fields, message });
  };
  return {
    entries,
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    // Errors serialise like pino's err serializer would: message, name and own properties.
    text: () =>
      JSON.stringify(entries, (_key, value: unknown) =>
        value instanceof Error
          ? { ...value, name: value.name, message: value.message, stack: value.stack }
          : value,
      ),
  };
}
