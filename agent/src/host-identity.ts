import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** Who this agent is to the controller: kept on disk so a restarted agent does not join again. */
export const hostIdentitySchema = z.object({
  apiUrl: z.string().min(1),
  tenant: z.string().min(1),
  host: z.string().min(1),
  hostToken: z.string().min(1),
});
export type HostIdentity = z.infer<typeof hostIdentitySchema>;

/** Where the identity lives in the agent's state folder. */
export function identityPath(stateDir: string): string {
  return join(stateDir, 'identity.json');
}

/** The identity saved in `stateDir`, or `undefined` before the first join. Throws on a damaged file. */
export async function loadHostIdentity(stateDir: string): Promise<HostIdentity | undefined> {
  const path = identityPath(stateDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: ReturnType<typeof hostIdentitySchema.safeParse>;
  try {
    parsed = hostIdentitySchema.safeParse(JSON.parse(text));
  } catch {
    parsed = hostIdentitySchema.safeParse(undefined);
  }
  if (!parsed.success)
    throw new Error(
      `${path} is not a host identity; remove it and start the agent with a new SLIPWAY_JOIN_TOKEN to join again`,
    );
  return parsed.data;
}

/**
 * Saves the identity readable by its owner only (it holds the host token): written to a temporary
 * file with mode 0600 and renamed over the old one, so a crash leaves either the old or the new.
 */
export async function saveHostIdentity(stateDir: string, identity: HostIdentity): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const path = identityPath(stateDir);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600); // the umask cannot widen it, but an existing file keeps its mode
  await rename(temporary, path);
}
