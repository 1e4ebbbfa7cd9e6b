/** Type tests: tool handlers get their arguments typed from the schema (checked by `npm run typecheck`). */
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { McpServer } from './mcp-server.js';

describe('tool handler argument types', () => {
  it('are inferred from a Standard Schema (zod, valibot, arktype)', () => {
    const server = new McpServer({ name: 't', version: '1' });
    server.tool('zod', {
      inputSchema: z.object({ city: z.string(), days: z.number().optional() }),
      handler: ({ city, days }) => {
        expectTypeOf(city).toEqualTypeOf<string>();
        expectTypeOf(days).toEqualTypeOf<number | undefined>();
        return city.toUpperCase();
      },
    });
    server.tool('valibot', {
      // valibot describes itself as JSON Schema through its adapter.
      inputSchema: toStandardJsonSchema(v.object({ city: v.string() })),
      handler: async ({ city }) => {
        expectTypeOf(city).toEqualTypeOf<string>();
        return city;
      },
    });
    server.tool('arktype', {
      inputSchema: type({ city: 'string' }),
      handler: ({ city }) => {
        expectTypeOf(city).toEqualTypeOf<string>();
        return city;
      },
    });
    // The registrations happened (the type checks above are what this file is for).
    expect(server.core.registry.tools.size).toBe(3);
  });

  it('are named for a raw JSON Schema, and a plain record without a schema', () => {
    const server = new McpServer({ name: 't', version: '1' });
    server.tool<{ a: number; b: number }>('add', {
      inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
      handler: ({ a, b }) => String(a + b),
    });
    server.tool('ping', {
      handler: (args) => {
        expectTypeOf(args).toEqualTypeOf<Record<string, unknown>>();
        return 'pong';
      },
    });
    expect(server.core.registry.tools.size).toBe(2);
  });
});
