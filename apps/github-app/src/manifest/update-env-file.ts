import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const KEY = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;
const BARE = /^[A-Za-z0-9_.:/+@-]*$/;

/**
 * Sets `values` in a dotenv file (KEY=value lines), keeping every other line as it was, and
 * leaves the file readable by its owner only (0600): it holds the app's private key. The file
 * is replaced in one rename, so a reader never sees half of it. A multi-line value (the PEM)
 * is written double-quoted with `\n`, which dotenv, `node --env-file` and probot all read back.
 *
 * @throws TypeError for a value with a quote, a backslash or a carriage return (none of
 *   GitHub's credentials has one).
 */
export async function updateEnvFile(path: string, values: Readonly<Record<string, string>>): Promise<void> {
  let current = '';
  try {
    current = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const pending = new Map(Object.entries(values));
  const lines: string[] = [];
  for (const line of current.split('\n')) {
    const key = KEY.exec(line)?.[1];
    if (key === undefined || !Object.hasOwn(values, key)) {
      lines.push(line);
      continue;
    }
    // The first definition is replaced; later ones would override it when loaded, so they go.
    const value = pending.get(key);
    if (value !== undefined) lines.push(formatLine(key, value));
    pending.delete(key);
  }
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  for (const [key, value] of pending) lines.push(formatLine(key, value));
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, `${lines.join('\n')}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function formatLine(key: string, value: string): string {
  if (/["\\\r]/.test(value)) {
    throw new TypeError(
      `${key}: a value with a quote, a backslash or a carriage return cannot be written safely`,
    );
  }
  return BARE.test(value) ? `${key}=${value}` : `${key}="${value.replace(/\n/g, '\\n')}"`;
}
