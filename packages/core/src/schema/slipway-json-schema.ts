import { z } from 'zod';
import { slipwayYamlSchema } from '../slipway-yaml/slipway-schema.js';

/**
 * The JSON Schema of slipway.yaml as people write it (input form: `512Mi`, `5s`, defaults
 * optional), generated from the zod schema so the two never disagree. Draft-07, which editors'
 * YAML language servers understand.
 */
export function slipwayJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(slipwayYamlSchema, { io: 'input', target: 'draft-7' });
}

/** The file text of schema/slipway.schema.json: the schema, two-space indented, with a final newline. */
export function slipwayJsonSchemaText(): string {
  return `${JSON.stringify(slipwayJsonSchema(), null, 2)}\n`;
}
