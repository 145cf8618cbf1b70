import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export interface TarEntry {
  name: string;
  type: string;
  linkname?: string;
  content?: string;
}

/** Reads an uncompressed tar stream into its entries (contents as UTF-8). */
export async function listTar(stream: Readable): Promise<TarEntry[]> {
  const extract = tar.extract();
  stream.pipe(extract);
  stream.once('error', (error) => extract.destroy(error));
  const entries: TarEntry[] = [];
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry as AsyncIterable<Buffer>) chunks.push(chunk);
    const { name, type, linkname } = entry.header;
    entries.push({
      name,
      type: type ?? 'file',
      ...(linkname ? { linkname } : {}),
      ...(type === 'file' ? { content: Buffer.concat(chunks).toString('utf8') } : {}),
    });
  }
  return entries;
}

/** A gzip tarball made of exactly these headers, for entries git would never produce. */
export async function craftTarGz(
  entries: { header: Partial<tar.Header> & { name: string }; content?: string }[],
): Promise<Buffer> {
  const pack = tar.pack();
  for (const { header, content } of entries) pack.entry(header, content ?? '');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.from(pack)) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}
