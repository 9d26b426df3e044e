import { z } from 'zod';

/** A JSON Schema (draft 2020-12) as z.toJSONSchema writes it. */
export type JsonSchema = Record<string, unknown>;

/**
 * One contract schema as JSON Schema. Always its input side, what a parser accepts: a field with a default is
 * optional to send, a strict object (the requests) refuses unknown fields, and a plain object (everything we
 * produce) stays open, as its consumers must read it; none of these schemas transforms, so output = input.
 * Anything JSON Schema cannot express fails here rather than being dropped.
 */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' }) as JsonSchema;
}

/** The same, for embedding in an OpenAPI 3.1 document, whose dialect is 2020-12 already. */
export function embeddedSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = jsonSchemaOf(schema);
  return rest;
}
