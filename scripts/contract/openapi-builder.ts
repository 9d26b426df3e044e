import type { z } from 'zod';
import { embeddedSchemaOf, type JsonSchema } from './json-schema';

/**
 * A small typed builder for the OpenAPI 3.1 documents we publish: it holds only what they use. Bodies and
 * parameters are contract zod schemas, converted by z.toJSONSchema, so a document cannot say other than the code.
 */

export interface Ref {
  $ref: string;
}

export interface Header {
  description: string;
  schema: JsonSchema;
}

export interface Response {
  description: string;
  headers?: Record<string, Header>;
  content?: { 'application/json': { schema: Ref } };
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description: string;
  schema: JsonSchema;
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: (Parameter | Ref)[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: Ref } } };
  responses: Record<string, Response | Ref>;
  /** [] for an open route; absent: the document's default (a bearer token). */
  security?: Record<string, string[]>[];
}

export type Method = 'get' | 'put' | 'post' | 'delete';

export interface DocumentHead {
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string; variables?: Record<string, { default: string; description: string }> }[];
  tags: { name: string; description: string }[];
  /** The one security scheme every route needs unless it says otherwise. */
  security: { name: string; scheme: Record<string, string> };
}

export class OpenApiBuilder {
  private readonly schemas: Record<string, JsonSchema> = {};
  private readonly responses: Record<string, Response> = {};
  private readonly parameters: Record<string, Parameter> = {};
  private readonly paths: Record<string, Partial<Record<Method, Operation>>> = {};

  constructor(private readonly head: DocumentHead) {}

  /** A named component schema from a zod schema; a name is given once. */
  schema(name: string, schema: z.ZodType): Ref {
    return this.component(this.schemas, 'schemas', name, embeddedSchemaOf(schema));
  }

  response(name: string, response: Response): Ref {
    return this.component(this.responses, 'responses', name, response);
  }

  parameter(name: string, parameter: Parameter): Ref {
    return this.component(this.parameters, 'parameters', name, parameter);
  }

  operation(method: Method, path: string, operation: Operation): this {
    this.paths[path] = { ...this.paths[path], [method]: operation };
    return this;
  }

  document(): Record<string, unknown> {
    const { info, servers, tags, security } = this.head;
    return {
      openapi: '3.1.1',
      info,
      servers,
      tags,
      security: [{ [security.name]: [] }],
      paths: this.paths,
      components: {
        schemas: this.schemas,
        responses: this.responses,
        parameters: this.parameters,
        securitySchemes: { [security.name]: security.scheme },
      },
    };
  }

  private component<T>(into: Record<string, T>, kind: string, name: string, value: T): Ref {
    if (name in into) throw new Error(`OpenAPI component ${kind}/${name} is defined twice`);
    into[name] = value;
    return { $ref: `#/components/${kind}/${name}` };
  }
}

/** A JSON body of the given component schema. */
export function json(schema: Ref): { 'application/json': { schema: Ref } } {
  return { 'application/json': { schema } };
}
