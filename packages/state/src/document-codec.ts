import { CorruptDocumentError } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Serialises a document as pretty-printed JSON (people read local-mode state files and S3 objects).
 * Throws `TypeError` for values JSON cannot represent (undefined, functions, cycles, BigInt).
 */
export function encodeDocument(key: string, value: unknown): Buffer {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, null, 2);
  } catch (error) {
    throw new TypeError(`Cannot store "${key}": the value is not JSON-serialisable (${String(error)})`, {
      cause: error,
    });
  }
  if (text === undefined) throw new TypeError(`Cannot store "${key}": the value is not JSON-serialisable`);
  return Buffer.from(`${text}\n`, 'utf8');
}

/** Parses a stored document; invalid UTF-8 or JSON becomes a `CorruptDocumentError` naming the key. */
export function decodeDocument(key: string, body: Uint8Array): unknown {
  try {
    return JSON.parse(utf8.decode(body));
  } catch (error) {
    throw new CorruptDocumentError(key, `not valid JSON (${String(error)})`, { cause: error });
  }
}
