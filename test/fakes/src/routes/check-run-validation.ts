import type { CheckRunAnnotation } from '../fake-records.js';
import { invalidRequest } from '../github-error.js';
import {
  asObject,
  checkEnum,
  checkString,
  checkTimestamp,
  checkUrl,
  type Problems,
  requireFields,
} from './body-checks.js';

export const CHECK_RUN_STATUSES = ['queued', 'in_progress', 'completed'] as const;
/** What an app may set; `stale` exists but only GitHub sets it. */
export const CHECK_RUN_CONCLUSIONS = [
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'timed_out',
] as const;
const ANNOTATION_LEVELS = ['notice', 'warning', 'failure'] as const;
/** GitHub's limit on output.summary and output.text. */
export const MAX_OUTPUT_CHARS = 65535;
const MAX_ANNOTATIONS_PER_REQUEST = 50;
const MAX_ACTIONS = 3;

/** A create or update body that passed GitHub's checks. */
export interface CheckRunInput {
  name?: string;
  head_sha?: string;
  details_url?: string;
  external_id?: string;
  status?: (typeof CHECK_RUN_STATUSES)[number];
  conclusion?: (typeof CHECK_RUN_CONCLUSIONS)[number];
  started_at?: string;
  completed_at?: string;
  output?: { title: string; summary: string; text?: string; annotations?: CheckRunAnnotation[] };
  actions?: Array<{ label: string; description: string; identifier: string }>;
}

function checkAnnotations(value: unknown, problems: Problems): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    problems.push("For 'properties/annotations', it is not an array.");
    return;
  }
  if (value.length > MAX_ANNOTATIONS_PER_REQUEST) {
    problems.push(
      `At most ${MAX_ANNOTATIONS_PER_REQUEST} annotations are allowed per request; ${value.length} were supplied.`,
    );
  }
  value.forEach((item, index) => {
    const annotation = asObject(item);
    if (!annotation) {
      problems.push(`For 'items/${index}', it is not an object.`);
      return;
    }
    requireFields(annotation, ['path', 'start_line', 'end_line', 'annotation_level', 'message'], problems);
    checkEnum(annotation, 'annotation_level', ANNOTATION_LEVELS, problems);
    for (const line of ['start_line', 'end_line']) {
      const number = annotation[line];
      if (number !== undefined && !Number.isInteger(number)) {
        problems.push(`For 'properties/${line}', ${JSON.stringify(number)} is not an integer.`);
      }
    }
    const sameLine = annotation.start_line === annotation.end_line;
    if (!sameLine && (annotation.start_column !== undefined || annotation.end_column !== undefined)) {
      problems.push('start_column and end_column may only be given when start_line equals end_line.');
    }
  });
}

function checkOutput(value: unknown, problems: Problems): void {
  if (value === undefined || value === null) return;
  const output = asObject(value);
  if (!output) {
    problems.push(`For 'properties/output', ${JSON.stringify(value)} is not an object.`);
    return;
  }
  requireFields(output, ['title', 'summary'], problems);
  checkString(output, 'title', problems, { prefix: 'output/' });
  checkString(output, 'summary', problems, { prefix: 'output/', maxLength: MAX_OUTPUT_CHARS });
  checkString(output, 'text', problems, { prefix: 'output/', maxLength: MAX_OUTPUT_CHARS });
  checkAnnotations(output.annotations, problems);
}

function checkActions(value: unknown, problems: Problems): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    problems.push("For 'properties/actions', it is not an array.");
    return;
  }
  if (value.length > MAX_ACTIONS)
    problems.push(`At most ${MAX_ACTIONS} actions are allowed; ${value.length} were supplied.`);
  for (const item of value) {
    const action = asObject(item);
    if (!action) {
      problems.push("For 'properties/actions', every item must be an object.");
      continue;
    }
    requireFields(action, ['label', 'description', 'identifier'], problems);
    checkString(action, 'label', problems, { maxLength: 20 });
    checkString(action, 'description', problems, { maxLength: 40 });
    checkString(action, 'identifier', problems, { maxLength: 20 });
  }
}

/**
 * Validate a create (`mode: 'create'`) or update body as GitHub does; throws 422
 * "Invalid request." listing every problem. Cross-field rules that depend on the stored
 * run (completed needs a conclusion) are checked by the caller.
 */
export function validateCheckRunInput(body: unknown, mode: 'create' | 'update'): CheckRunInput {
  const input = asObject(body);
  if (!input) throw invalidRequest(['The request body must be a JSON object.']);
  const problems: Problems = [];
  if (mode === 'create') requireFields(input, ['name', 'head_sha'], problems);
  checkString(input, 'name', problems);
  if (typeof input.name === 'string' && input.name.trim() === '') problems.push('"name" must not be blank.');
  checkString(input, 'head_sha', problems);
  checkUrl(input, 'details_url', problems);
  checkString(input, 'external_id', problems);
  checkEnum(input, 'status', CHECK_RUN_STATUSES, problems);
  checkEnum(input, 'conclusion', CHECK_RUN_CONCLUSIONS, problems);
  checkTimestamp(input, 'started_at', problems);
  checkTimestamp(input, 'completed_at', problems);
  checkOutput(input.output, problems);
  checkActions(input.actions, problems);
  if (problems.length > 0) throw invalidRequest(problems);
  return input as CheckRunInput;
}
