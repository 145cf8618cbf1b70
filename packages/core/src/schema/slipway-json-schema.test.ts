import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { slipwayJsonSchema, slipwayJsonSchemaText } from './slipway-json-schema.js';

const committed = new URL('../../../../schema/slipway.schema.json', import.meta.url);

interface JsonSchema {
  properties?: Record<string, JsonSchema & { description?: string }>;
  additionalProperties?: JsonSchema | boolean;
}

describe('schema/slipway.schema.json', () => {
  it('is what `npm run schema` generates now (run it after changing the zod schema)', () => {
    expect(readFileSync(committed, 'utf8')).toBe(slipwayJsonSchemaText());
  });

  it('describes every service setting, so editors can explain what they complete', () => {
    const schema = slipwayJsonSchema() as JsonSchema;
    const service = schema.properties?.services?.additionalProperties as JsonSchema;
    const settings = Object.entries(service.properties ?? {});
    expect(settings.map(([key]) => key)).toEqual([
      'build',
      'image',
      'port',
      'replicas',
      'resources',
      'health',
      'env',
      'secrets',
      'domains',
      'visibility',
    ]);
    for (const [key, setting] of settings) expect([key, typeof setting.description]).toEqual([key, 'string']);
  });

  it('takes the input form: memory as text with a unit, defaults optional', () => {
    const schema = slipwayJsonSchema() as JsonSchema;
    const service = schema.properties?.services?.additionalProperties as JsonSchema & { required?: string[] };
    const memory = service.properties?.resources?.properties?.memory as { type?: string; default?: string };
    expect(memory).toMatchObject({ type: 'string', default: '256Mi' });
    expect(service.required).toEqual(['port']);
  });
});
