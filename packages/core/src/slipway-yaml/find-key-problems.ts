import { type Document, isMap, isScalar, isSeq } from 'yaml';
import type { YamlPath } from './yaml-path.js';

/** A map key that YAML accepts but slipway.yaml cannot: repeated, or not a plain name. */
export interface KeyProblem {
  code: 'duplicate_key' | 'bad_key';
  path: YamlPath;
  offset: number;
  message: string;
}

// No slipway.yaml setting is deeper than this; deeper data is wrong anyway and gets a type error.
const MAX_DEPTH = 12;

/**
 * Walks every map of the document (without following aliases) and reports repeated keys, which
 * YAML parsers otherwise resolve silently by keeping the last one, and keys that are lists or maps.
 * `lineOf` turns offsets into line numbers for "first defined on line N".
 */
export function findKeyProblems(doc: Document, lineOf: (offset: number) => number): KeyProblem[] {
  const problems: KeyProblem[] = [];
  const stack: Array<{ node: unknown; path: YamlPath }> = [{ node: doc.contents, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (path.length > MAX_DEPTH) continue;
    if (isSeq(node)) {
      node.items.forEach((item, index) => {
        stack.push({ node: item, path: [...path, index] });
      });
      continue;
    }
    if (!isMap(node)) continue;
    const firstSeen = new Map<string, number>();
    for (const pair of node.items) {
      const key = pair.key;
      const keyOffset = (key as { range?: number[] } | null)?.range?.[0] ?? node.range?.[0] ?? 0;
      // `? ` and `: x` give a key with no text; `{a: 1}: x` a collection as key.
      if (!isScalar(key) || key.value === null) {
        problems.push({
          code: 'bad_key',
          path,
          offset: keyOffset,
          message:
            isScalar(key) || key === null
              ? "a key is missing before ':'"
              : 'keys must be plain names, not lists or maps',
        });
        continue;
      }
      const name = String(key.value);
      const first = firstSeen.get(name);
      if (first === undefined) {
        firstSeen.set(name, keyOffset);
        stack.push({ node: pair.value, path: [...path, name] });
        continue;
      }
      const what = path.length === 1 && path[0] === 'services' ? 'service name' : 'key';
      problems.push({
        code: 'duplicate_key',
        path: [...path, name],
        offset: keyOffset,
        message: `duplicate ${what} '${name}' (first defined on line ${lineOf(first)}); each ${what} may appear once`,
      });
    }
  }
  return problems;
}
