import type { Document } from 'yaml';
import type { z } from 'zod';
import { describeValue } from './describe-value.js';
import { didYouMean } from './did-you-mean.js';
import { isRecord } from './is-record.js';
import { locateInYaml } from './locate-in-yaml.js';
import { allowedKeysAt } from './schema-keys.js';
import { type SlipwayYamlError, slipwayYamlError } from './slipway-yaml-error.js';
import type { SourcePosition } from './source-position.js';
import { formatPath, type YamlPath } from './yaml-path.js';

/** What turning a zod issue into located, readable errors needs. */
export interface IssueContext {
  doc: Document;
  data: unknown;
  schema: z.core.$ZodType;
  positionAt: (offset: number) => SourcePosition;
}

function valueAt(data: unknown, path: YamlPath): unknown {
  let current = data;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isRecord(current)) current = current[String(segment)];
    else return undefined;
  }
  return current;
}

function isMissing(data: unknown, path: YamlPath): boolean {
  if (path.length === 0) return false;
  const parent = valueAt(data, path.slice(0, -1));
  return isRecord(parent) && !Object.hasOwn(parent, String(path.at(-1)));
}

/** Positions: at the value, at its key (unknown keys), or at the map that lacks a key (missing). */
function positionOf(ctx: IssueContext, path: YamlPath, at: 'value' | 'key' | 'parent'): SourcePosition {
  const target = at === 'parent' ? path.slice(0, -1) : path;
  const found = locateInYaml(ctx.doc, target);
  const complete = found.matched === target.length;
  const offset =
    at === 'value' && complete
      ? (found.valueOffset ?? found.keyOffset)
      : (found.keyOffset ?? found.valueOffset ?? (ctx.doc.contents?.range?.[0] as number | undefined));
  return ctx.positionAt(offset ?? 0);
}

const NUMERIC_TEXT = /^-?\d+(\.\d+)?$/;

/** Converts one zod issue to one or more errors with paths, positions and readable messages. */
export function issueToErrors(issue: z.core.$ZodIssue, ctx: IssueContext): SlipwayYamlError[] {
  const path = issue.path as YamlPath;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(ctx.schema, path);
      return issue.keys.map((key) => {
        const keyPath = [...path, key];
        const suggestion = didYouMean(key, allowed);
        const hint = suggestion
          ? `did you mean '${suggestion}'?`
          : `allowed keys here: ${allowed.join(', ')}`;
        return slipwayYamlError(
          'unknown_key',
          formatPath(keyPath),
          `unknown key '${key}', ${hint}`,
          positionOf(ctx, keyPath, 'key'),
        );
      });
    }
    case 'invalid_key': {
      const inner = issue.issues[0]?.message ?? issue.message;
      return [
        slipwayYamlError(
          'invalid',
          formatPath(path),
          `expected ${inner}, got ${describeValue(path.at(-1))}`,
          positionOf(ctx, path, 'key'),
        ),
      ];
    }
    case 'custom': {
      const params = (issue.params ?? {}) as { at?: 'key'; expectedPhrase?: boolean };
      const problem = params.expectedPhrase
        ? `expected ${issue.message}, got ${describeValue(valueAt(ctx.data, path))}`
        : issue.message;
      return [
        slipwayYamlError('invalid', formatPath(path), problem, positionOf(ctx, path, params.at ?? 'value')),
      ];
    }
    default: {
      if (isMissing(ctx.data, path)) {
        return [
          slipwayYamlError(
            'missing',
            formatPath(path),
            `missing; expected ${issue.message}`,
            positionOf(ctx, path, 'parent'),
          ),
        ];
      }
      const value = valueAt(ctx.data, path);
      const quoted =
        issue.code === 'invalid_type' && typeof value === 'string' && NUMERIC_TEXT.test(value)
          ? ' (text: remove the quotes)'
          : '';
      return [
        slipwayYamlError(
          'invalid',
          formatPath(path),
          `expected ${issue.message}, got ${describeValue(value)}${quoted}`,
          positionOf(ctx, path, 'value'),
        ),
      ];
    }
  }
}

/**
 * The phrase for issues of schemas that carry none ("expected <phrase>"): a safety net, since
 * every slipway.yaml field should name what it expects.
 */
export function fallbackPhrase(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'object'
        ? 'a map'
        : issue.expected === 'array'
          ? 'a list'
          : `a ${issue.expected}`;
    case 'too_small':
      return `at least ${String(issue.minimum)}`;
    case 'too_big':
      return `at most ${String(issue.maximum)}`;
    default:
      return 'a valid value';
  }
}
