import { type Document, isAlias, parseDocument, visit, type YAMLError } from 'yaml';
import { findKeyProblems } from './find-key-problems.js';
import { isRecord } from './is-record.js';
import { fallbackPhrase, type IssueContext, issueToErrors } from './issue-to-errors.js';
import { EXTENSION_KEY, type SlipwayConfig, slipwayYamlSchema } from './slipway-schema.js';
import { type SlipwayYamlError, slipwayYamlError } from './slipway-yaml-error.js';
import { positionsOf, type SourcePosition } from './source-position.js';
import { formatPath } from './yaml-path.js';

/** slipway.yaml files are a few hundred lines; anything this big is a mistake or an attack. */
export const MAX_SLIPWAY_YAML_LENGTH = 256 * 1024;

/** More errors than this are cut: nobody reads them, and one early mistake often causes the rest. */
export const MAX_ERRORS = 50;

/** Alias expansions allowed while reading, against "billion laughs" documents. */
const MAX_ALIAS_COUNT = 100;

export type SlipwayYamlFailure = { ok: false; errors: SlipwayYamlError[] };
export type SlipwayYamlResult = { ok: true; config: SlipwayConfig } | SlipwayYamlFailure;

const START: SourcePosition = { line: 1, column: 1 };

/** Sorts errors into file order and cuts them at MAX_ERRORS, saying how many were left out. */
function fail(errors: SlipwayYamlError[]): SlipwayYamlFailure {
  const sorted = [...errors].sort(
    (a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path),
  );
  if (sorted.length <= MAX_ERRORS) return { ok: false, errors: sorted };
  const kept = sorted.slice(0, MAX_ERRORS - 1);
  const next = sorted[MAX_ERRORS - 1]!;
  const more = sorted.length - kept.length;
  return {
    ok: false,
    errors: [
      ...kept,
      slipwayYamlError(
        'too_many_errors',
        '',
        `${more} more errors from here on; fix the ones above first`,
        next,
      ),
    ],
  };
}

/**
 * Reads slipway.yaml: parses the YAML (keeping positions), validates it and returns the config
 * with defaults applied and units normalised — or every problem found, each with its path,
 * line, column and a message saying what was expected and what was found. Never throws.
 *
 * @example
 * const result = parseSlipwayYaml('services:\n  web:\n    image: nginx:1.27\n    port: 80\n');
 * if (result.ok) result.config.services.web?.replicas; // 1
 * else for (const e of result.errors) console.log(e.message);
 */
export function parseSlipwayYaml(text: string): SlipwayYamlResult {
  try {
    return parseText(text);
  } catch (error) {
    // The steps above handle every input we know of; this keeps the promise not to throw if the
    // YAML library or the schema meets something new, and says so plainly.
    const reason = error instanceof Error ? error.message : String(error);
    return fail([
      slipwayYamlError(
        'unreadable',
        '',
        `could not be read (${reason}); simplify the file around the change`,
        START,
      ),
    ]);
  }
}

function parseText(input: unknown): SlipwayYamlResult {
  const text = input instanceof Uint8Array ? new TextDecoder().decode(input) : input;
  if (typeof text !== 'string') {
    return fail([
      slipwayYamlError('not_text', '', `expected the text of the file, got ${typeof text}`, START),
    ]);
  }
  if (text.length > MAX_SLIPWAY_YAML_LENGTH) {
    return fail([
      slipwayYamlError(
        'too_large',
        '',
        `the file is ${text.length} characters long; the limit is ${MAX_SLIPWAY_YAML_LENGTH}`,
        START,
      ),
    ]);
  }
  const positionAt = positionsOf(text);
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, merge: true });
  if (doc.errors.length > 0) return fail(doc.errors.map((error) => syntaxError(error, positionAt)));

  const keyProblems = findKeyProblems(doc, (offset) => positionAt(offset).line);
  if (keyProblems.length > 0) {
    return fail(
      keyProblems.map((problem) =>
        slipwayYamlError(problem.code, formatPath(problem.path), problem.message, positionAt(problem.offset)),
      ),
    );
  }
  if (doc.contents === null) {
    return fail([
      slipwayYamlError('empty', '', "the file is empty; expected a map with a 'services' key", START),
    ]);
  }

  const data = readData(doc, positionAt);
  if (!data.ok) return data;

  const parsed = slipwayYamlSchema.safeParse(withoutExtensions(data.value), { error: fallbackPhrase });
  if (parsed.success) return { ok: true, config: parsed.data };
  const ctx: IssueContext = { doc, data: data.value, schema: slipwayYamlSchema, positionAt };
  return fail(parsed.error.issues.flatMap((issue) => issueToErrors(issue, ctx)));
}

/** Drops top-level `x-…` keys: they hold the user's anchors, not settings. */
function withoutExtensions(data: unknown): unknown {
  if (!isRecord(data)) return data;
  return Object.fromEntries(Object.entries(data).filter(([key]) => !EXTENSION_KEY.test(key)));
}

function syntaxError(error: YAMLError, positionAt: (offset: number) => SourcePosition): SlipwayYamlError {
  const position = positionAt(error.pos[0]);
  switch (error.code) {
    case 'MULTIPLE_DOCS':
      return slipwayYamlError(
        'syntax',
        '',
        "expected one YAML document, found a second one here; remove the '---' separator",
        position,
      );
    case 'TAB_AS_INDENT':
      return slipwayYamlError(
        'syntax',
        '',
        'invalid YAML: tabs are not allowed as indentation; use spaces',
        position,
      );
    default: {
      // The parser recurses on nesting; a stack overflow means absurdly deep brackets or indentation.
      const message = /call stack/i.test(error.message)
        ? 'the file nests too deeply'
        : error.message.replace(/ at line \d+, column \d+[\s\S]*$/, '');
      return slipwayYamlError('syntax', '', `invalid YAML: ${message}`, position);
    }
  }
}

/** Turns the document into plain data, reporting bad aliases where they are used. */
function readData(
  doc: Document,
  positionAt: (offset: number) => SourcePosition,
): { ok: true; value: unknown } | SlipwayYamlFailure {
  const aliases: Array<{ name: string; offset: number; resolved: boolean }> = [];
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node)) {
        aliases.push({
          name: node.source,
          offset: node.range?.[0] ?? 0,
          resolved: node.resolve(doc) !== undefined,
        });
      }
    },
  });
  const unresolved = aliases.filter((alias) => !alias.resolved);
  if (unresolved.length > 0) {
    return fail(
      unresolved.map((alias) =>
        slipwayYamlError(
          'syntax',
          '',
          `invalid YAML: alias '*${alias.name}' refers to no anchor '&${alias.name}' defined before it`,
          positionAt(alias.offset),
        ),
      ),
    );
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const at = aliases[0] ? positionAt(aliases[0].offset) : START;
    return fail([slipwayYamlError('syntax', '', `invalid YAML: ${reason}; use fewer aliases ('*name')`, at)]);
  }
}
