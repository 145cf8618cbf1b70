import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isValidKey } from './keys.js';

interface Entry {
  /** The key of a document, or the key prefix (ending in '/') of a folder. */
  key: string;
  folder: boolean;
}

async function entriesOf(root: string, folderKey: string): Promise<Entry[]> {
  let dirents: Dirent[];
  try {
    dirents = await readdir(join(root, folderKey), { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
  // Dotfiles are the store's own temp and lock files (keys never start with '.'); symlinks are
  // never followed, so a listing cannot leave the root.
  const entries = dirents.flatMap((dirent): Entry[] => {
    if (dirent.name.startsWith('.')) return [];
    if (dirent.isDirectory()) return [{ key: `${folderKey}${dirent.name}/`, folder: true }];
    if (dirent.isFile()) return [{ key: `${folderKey}${dirent.name}`, folder: false }];
    return [];
  });
  // A folder sorts by its key plus '/', which is exactly where its documents fall among their
  // siblings in byte order, so the walk yields keys in the same order as S3 lists them.
  return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

async function* walkFolder(
  root: string,
  folderKey: string,
  prefix: string,
  after: string | undefined,
): AsyncGenerator<string> {
  for (const entry of await entriesOf(root, folderKey)) {
    if (entry.folder) {
      // Every key below starts with entry.key: skip folders that cannot match the prefix, and
      // folders whose keys all sort at or before the cursor.
      if (!entry.key.startsWith(prefix) && !prefix.startsWith(entry.key)) continue;
      if (after !== undefined && after > entry.key && !after.startsWith(entry.key)) continue;
      yield* walkFolder(root, entry.key, prefix, after);
    } else if (
      entry.key.startsWith(prefix) &&
      (after === undefined || entry.key > after) &&
      isValidKey(entry.key)
    ) {
      yield entry.key;
    }
  }
}

/**
 * Keys of the documents under `root` that start with `prefix` and sort after `after`, lazily and in
 * ascending byte order; only the folders that can hold such keys are read.
 */
export function walkKeys(root: string, prefix: string, after?: string): AsyncGenerator<string> {
  const folderKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  return walkFolder(root, folderKey, prefix, after);
}
