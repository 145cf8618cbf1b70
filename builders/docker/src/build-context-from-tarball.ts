import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { contextSegments, resolveInside, stripSegments } from './context-path.js';
import { InvalidTarballError, UnsafeTarballError } from './errors.js';

export interface BuildContextOptions {
  /** Folder inside the repository that becomes the build context; `'.'` for the whole repository. */
  contextPath: string;
  /**
   * Labels for the image, appended to the Dockerfile (its path inside the context) as one LABEL
   * instruction: the classic builder turns each label of the build's `labels` option into a step
   * of its own, a container each (~200 ms apiece), where one instruction is one step.
   */
  labels?: { dockerfile: string; values: Readonly<Record<string, string>> };
}

/** `LABEL "k"="v" …`: one instruction for every label (JSON strings are valid Dockerfile quoting). */
export function labelInstruction(values: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(values).map(
    ([key, value]) => `${JSON.stringify(key)}=${JSON.stringify(value)}`,
  );
  return `LABEL ${pairs.join(' ')}`;
}

const KEPT_TYPES = new Set(['file', 'contiguous-file', 'directory', 'symlink', 'link']);

type Decision = { keep: false } | { keep: true; name: string; linkname?: string };

/** Walks entries of a GitHub tarball, checking safety and mapping names into the context. */
class EntryMapper {
  private topFolder: string | undefined;
  contextFound = false;

  constructor(private readonly context: readonly string[]) {}

  decide(header: tar.Header): Decision {
    const raw = header.name;
    const segments = this.safeSegments(raw, raw);
    if (segments.length === 0) return { keep: false };
    const [top, ...rest] = segments;
    if (this.topFolder === undefined) this.topFolder = top;
    else if (top !== this.topFolder)
      throw new InvalidTarballError(
        `expected one top-level folder like GitHub's "<owner>-<repo>-<sha>/", found "${this.topFolder}" and "${top}"`,
      );
    if (rest.length === 0) {
      if (header.type === 'directory') return { keep: false };
      throw new InvalidTarballError(`"${raw}" sits outside the top-level folder`);
    }
    const type = header.type ?? 'file';
    if (!KEPT_TYPES.has(type))
      throw new UnsafeTarballError(raw, `is a ${type}, which a build context must not hold`);

    const relative = stripSegments(rest, this.context);
    if (relative === undefined) return { keep: false };
    this.contextFound = true;
    if (relative.length === 0) return { keep: false };
    const name = relative.join('/');

    if (type === 'symlink')
      return { keep: true, name, linkname: this.symlinkTarget(raw, name, header.linkname) };
    if (type === 'link') return { keep: true, name, linkname: this.hardlinkTarget(raw, header.linkname) };
    return { keep: true, name: type === 'directory' ? `${name}/` : name };
  }

  private safeSegments(raw: string, entry: string): string[] {
    if (raw.startsWith('/')) throw new UnsafeTarballError(entry, 'is an absolute path');
    const segments = raw.split('/').filter((segment) => segment !== '' && segment !== '.');
    if (segments.includes('..')) throw new UnsafeTarballError(entry, 'climbs out of its folder with ".."');
    return segments;
  }

  private symlinkTarget(raw: string, name: string, linkname: string | null | undefined): string {
    const target = linkname ?? '';
    if (target === '' || posix.isAbsolute(target))
      throw new UnsafeTarballError(raw, `is a symlink to the absolute path "${target}"`);
    if (resolveInside(posix.dirname(name), target) === undefined)
      throw new UnsafeTarballError(raw, `is a symlink to "${target}", outside the build context`);
    return target;
  }

  // Hard link targets are archive paths (with the top folder), so they go through the same mapping.
  private hardlinkTarget(raw: string, linkname: string | null | undefined): string {
    const [top, ...rest] = this.safeSegments(linkname ?? '', raw);
    const relative = top === this.topFolder ? stripSegments(rest, this.context) : undefined;
    if (relative === undefined || relative.length === 0)
      throw new UnsafeTarballError(raw, `is a hard link to "${linkname}", outside the build context`);
    return relative.join('/');
  }
}

function asInvalidTarball(error: unknown): unknown {
  if (error instanceof InvalidTarballError || error instanceof UnsafeTarballError) return error;
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('Z_'))
    return new InvalidTarballError('it is not gzip-compressed data', { cause: error });
  if (error instanceof Error && /tar|header/i.test(error.message))
    return new InvalidTarballError(`it is not a valid tar archive (${error.message})`, { cause: error });
  return error;
}

/**
 * Turns a GitHub source tarball (gzip tar, one top-level `<owner>-<repo>-<sha7>/` folder) into
 * the uncompressed tar stream Docker's build API takes as context: the top folder is stripped,
 * only files under `contextPath` are kept (renamed relative to it), owners are reset to root.
 * Streams entry by entry: nothing is written to disk and only one entry is in flight.
 *
 * The returned stream errors with {@link UnsafeTarballError} for any entry that could escape the
 * context (absolute path, `..`, a symlink or hard link leaving it, a device or fifo), and with
 * {@link InvalidTarballError} for a non-gzip/tar input, several top folders, or a missing context folder.
 *
 * @example
 * const context = buildContextFromTarball(tarGz, { contextPath: 'services/api' });
 * await runDockerBuild({ docker, plan, context, onLog });
 */
export function buildContextFromTarball(source: Buffer | Readable, options: BuildContextOptions): Readable {
  const context = contextSegments(options.contextPath);
  const labels = options.labels && Object.keys(options.labels.values).length > 0 ? options.labels : undefined;
  const input = Buffer.isBuffer(source) ? Readable.from([source]) : source;
  const gunzip = createGunzip();
  // tar-stream 3 streams are streamx streams: joined with pipe() and events, not node:stream's pipeline.
  const extract = tar.extract();
  const pack = tar.pack();
  const mapper = new EntryMapper(context);
  input.once('error', (error) => extract.destroy(error));
  gunzip.once('error', (error) => extract.destroy(error));
  input.pipe(gunzip).pipe(extract);

  const repack = async () => {
    for await (const entry of extract) {
      const decision = mapper.decide(entry.header);
      if (!decision.keep) {
        entry.resume();
        continue;
      }
      const { header } = entry;
      const type = header.type === 'contiguous-file' ? 'file' : (header.type ?? 'file');
      if (labels && type === 'file' && decision.name === labels.dockerfile) {
        const chunks: Buffer[] = [];
        for await (const chunk of entry as AsyncIterable<Buffer>) chunks.push(chunk);
        // A blank line first: the Dockerfile's last line may lack its newline.
        const body = Buffer.concat([...chunks, Buffer.from(`\n\n${labelInstruction(labels.values)}\n`)]);
        await new Promise<void>((resolve, reject) =>
          pack.entry({ name: decision.name, mode: header.mode, mtime: header.mtime }, body, (error) =>
            error ? reject(error) : resolve(),
          ),
        );
        continue;
      }
      await copyEntry(entry as AsyncIterable<Buffer>, (done) =>
        pack.entry(
          {
            name: decision.name,
            type,
            mode: header.mode,
            mtime: header.mtime,
            size: type === 'file' ? header.size : 0,
            ...(decision.linkname === undefined ? {} : { linkname: decision.linkname }),
          },
          done,
        ),
      );
    }
    if (!mapper.contextFound && context.length > 0)
      throw new InvalidTarballError(
        `the build context folder "${context.join('/')}" does not exist at this commit; check "context" in slipway.yaml`,
      );
  };

  repack().then(
    () => pack.finalize(),
    (error: unknown) => {
      input.unpipe(gunzip);
      input.destroy();
      gunzip.destroy();
      extract.destroy();
      const failure = asInvalidTarball(error);
      pack.destroy(failure instanceof Error ? failure : new Error(String(failure)));
    },
  );
  // A consumer that stops reading (a cancelled build) destroys this stream, which ends the
  // async iteration, which destroys pack; then the download and gunzip stop too.
  const output = Readable.from(pack);
  output.once('close', () => {
    if (!input.destroyed && !input.readableEnded) input.destroy();
  });
  return output;
}

/** The writable side of one pack entry (a streamx stream, typed only as far as used here). */
interface EntrySink {
  write(chunk: Buffer): boolean;
  end(data?: unknown): unknown;
  once(event: 'drain', listener: () => void): unknown;
}

/** Streams one entry's bytes into the pack entry `open` creates, honouring back-pressure. */
async function copyEntry(
  entry: AsyncIterable<Buffer>,
  open: (done: (error?: Error | null) => void) => EntrySink,
): Promise<void> {
  const written = new Promise<void>((resolve, reject) => {
    const sink = open((error) => (error ? reject(error) : resolve()));
    (async () => {
      for await (const chunk of entry)
        if (!sink.write(chunk)) await new Promise<void>((drained) => sink.once('drain', () => drained()));
      sink.end();
    })().catch(reject);
  });
  await written;
}
