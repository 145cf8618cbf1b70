import { type Document, isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { YamlPath } from './yaml-path.js';

/** Where a path leads in a parsed YAML document, as character offsets. */
export interface YamlLocation {
  /** How many segments of the path exist in the document. */
  matched: number;
  /** Start of the value at the deepest matched segment (undefined if it has no text, e.g. `port:`). */
  valueOffset: number | undefined;
  /** Start of the key of the deepest matched map entry (undefined at the root or in a list). */
  keyOffset: number | undefined;
}

type AnyNode = unknown;

const startOf = (node: AnyNode): number | undefined => {
  const range = (node as { range?: readonly number[] } | null)?.range;
  if (!range || range[0] === undefined) return undefined;
  // An absent value (`port:`) parses as an empty scalar with no text: report its key instead.
  return isScalar(node) && node.value === null && range[1] === range[0] ? undefined : range[0];
};

/** Follows aliases so a path can go through `*anchor` references. */
function deref(node: AnyNode, doc: Document): AnyNode {
  return isAlias(node) ? node.resolve(doc) : node;
}

const isMergeKey = (key: AnyNode) => isScalar(key) && (key.value === '<<' || key.source === '<<');

function child(
  node: AnyNode,
  segment: PropertyKey,
  doc: Document,
  depth = 0,
): { value: AnyNode; key: AnyNode } | undefined {
  const target = deref(node, doc);
  if (isSeq(target)) {
    return typeof segment === 'number' && segment < target.items.length
      ? { value: target.items[segment], key: undefined }
      : undefined;
  }
  if (!isMap(target)) return undefined;
  for (const pair of target.items) {
    const key = deref(pair.key, doc);
    if (isScalar(key) && !isMergeKey(key) && String(key.value) === String(segment)) {
      return { value: pair.value, key: pair.key };
    }
  }
  // `<<: *defaults` merges other maps in; look there too (bounded, merges can chain).
  if (depth > 8) return undefined;
  for (const pair of target.items) {
    if (!isMergeKey(pair.key)) continue;
    const sources = deref(pair.value, doc);
    for (const source of isSeq(sources) ? sources.items : [sources]) {
      const found = child(source, segment, doc, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Finds the text of `path` in a parsed document, going as deep as the path exists.
 * Used to point errors at the offending value, or at a key when the value is missing.
 */
export function locateInYaml(doc: Document, path: YamlPath): YamlLocation {
  let node: AnyNode = doc.contents;
  let location: YamlLocation = { matched: 0, valueOffset: startOf(node), keyOffset: undefined };
  for (const segment of path) {
    const next = child(node, segment, doc);
    if (!next) break;
    node = next.value;
    location = { matched: location.matched + 1, valueOffset: startOf(node), keyOffset: startOf(next.key) };
  }
  return location;
}
