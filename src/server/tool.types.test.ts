/**
 * Type tests: tool and prompt handlers get their arguments (and a tool its structuredContent) typed
 * from the schemas (checked by `npm run typecheck`; a wrong `@ts-expect-error` fails it).
 */
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

describe('tool structuredContent types', () => {
  it('are inferred from a Standard Schema outputSchema, with typed or raw input', () => {
    const server = new McpServer({ name: 't', version: '1' });
    const Weather = z.object({ temperature: z.number(), conditions: z.string() });
    server.tool('typed-both', {
      inputSchema: z.object({ city: z.string() }),
      outputSchema: Weather,
      handler: ({ city }) => ({
        content: [{ type: 'text', text: city }],
        structuredContent: { temperature: 21, conditions: 'sunny' },
      }),
    });
    server.tool('typed-output-only', {
      outputSchema: Weather,
      handler: async (args) => {
        expectTypeOf(args).toEqualTypeOf<Record<string, unknown>>();
        return { content: [], structuredContent: { temperature: 3, conditions: 'snow' } };
      },
    });
    server.tool('error-result-is-allowed', {
      inputSchema: z.object({ city: z.string() }),
      outputSchema: Weather,
      handler: () => ({ content: [{ type: 'text', text: 'no data' }], isError: true }),
    });
    // @ts-expect-error: temperature must be a number
    server.tool('wrong-structure', {
      inputSchema: z.object({ city: z.string() }),
      outputSchema: Weather,
      handler: () => ({ content: [], structuredContent: { temperature: 'warm', conditions: 'x' } }),
    });
    // @ts-expect-error: a tool with an output schema must return structuredContent
    server.tool('text-only-with-output-schema', {
      outputSchema: Weather,
      handler: () => 'sunny',
    });
    // Without an output schema, text and any result stay allowed.
    server.tool('free', { handler: () => ({ content: [], structuredContent: { anything: 1 } }) });
    expect(server.core.registry.tools.size).toBe(6);
  });
});

describe('prompt argument types', () => {
  it('are inferred from an inline arguments list and from argsSchema', () => {
    const server = new McpServer({ name: 't', version: '1' });
    server.prompt('review', {
      arguments: [{ name: 'code', required: true }, { name: 'style' }],
      get: ({ code, style }) => {
        expectTypeOf(code).toEqualTypeOf<string>();
        expectTypeOf(style).toEqualTypeOf<string | undefined>();
        return { messages: [{ role: 'user', content: { type: 'text', text: code } }] };
      },
    });
    server.prompt('translate', {
      argsSchema: z.object({ text: z.string(), language: z.string().optional() }),
      get: ({ text, language }) => {
        expectTypeOf(text).toEqualTypeOf<string>();
        expectTypeOf(language).toEqualTypeOf<string | undefined>();
        return { messages: [{ role: 'user', content: { type: 'text', text } }] };
      },
    });
    server.prompt('untyped', {
      get: (args) => {
        expectTypeOf(args).toEqualTypeOf<Record<string, string>>();
        return { messages: [] };
      },
    });
    server.prompt('unknown-name', {
      arguments: [{ name: 'code', required: true }],
      // @ts-expect-error: "other" is not a declared argument
      get: ({ other }) => ({ messages: [{ role: 'user', content: { type: 'text', text: other } }] }),
    });
    expect(server.core.registry.prompts.size).toBe(4);
  });
});
