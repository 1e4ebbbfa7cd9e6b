/**
 * One server exposing every feature erlmcp has, in both protocol eras. It is the fixture of the
 * interop tests and benchmarks: `erlmcp serve dist/examples/everything.js --transport stdio`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { McpServer, type McpServerOptions } from '../src/index.js';
import { registerConformanceFixtures } from './conformance-fixtures.js';

// 1x1 transparent PNG and a tiny WAV header: enough to exercise image/audio content.
const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const WAV_SILENCE = 'UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA=';

/** Items per list page; `EVERYTHING_PAGE_SIZE` lets tests make clients walk several pages. */
const PAGE_SIZE = Number(process.env.EVERYTHING_PAGE_SIZE) || undefined;

export function createServer(overrides: Partial<McpServerOptions> = {}): McpServer {
  const server = new McpServer({
    name: 'erlmcp-everything',
    version: '0.1.0',
    title: 'erlmcp everything example',
    instructions:
      'Test server exposing every MCP feature: tools, resources, prompts, completion, logging, tasks.',
    ...(PAGE_SIZE ? { pageSize: PAGE_SIZE } : {}),
    ...overrides,
  });

  server.tool('echo', {
    description: 'Echoes its message back',
    inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
    handler: ({ message }) => `Echo: ${String(message)}`,
  });

  server.tool<{ a: number; b: number }>('add', {
    title: 'Add two numbers',
    description: 'Adds a and b, returning structured output',
    inputSchema: {
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } },
      required: ['a', 'b'],
    },
    outputSchema: { type: 'object', properties: { sum: { type: 'number' } }, required: ['sum'] },
    annotations: { readOnlyHint: true, idempotentHint: true },
    icons: [{ src: `data:image/png;base64,${PNG_1X1}`, mimeType: 'image/png', sizes: ['1x1'] }],
    handler: ({ a, b }) => ({
      content: [{ type: 'text', text: String(a + b) }],
      structuredContent: { sum: a + b },
    }),
  });

  server.tool('test_simple_text', {
    description: 'Returns simple text content',
    handler: () => 'This is a simple text response for testing.',
  });

  server.tool('test_image_content', {
    description: 'Returns image content',
    handler: () => ({ content: [{ type: 'image', data: PNG_1X1, mimeType: 'image/png' }] }),
  });

  server.tool('test_audio_content', {
    description: 'Returns audio content',
    handler: () => ({ content: [{ type: 'audio', data: WAV_SILENCE, mimeType: 'audio/wav' }] }),
  });

  server.tool('test_embedded_resource', {
    description: 'Returns an embedded resource',
    handler: () => ({
      content: [
        {
          type: 'resource',
          resource: {
            uri: 'test://embedded-resource',
            mimeType: 'text/plain',
            text: 'This is an embedded resource content.',
          },
        },
      ],
    }),
  });

  server.tool('test_multiple_content_types', {
    description: 'Returns text, image and an embedded resource',
    handler: () => ({
      content: [
        { type: 'text', text: 'Multiple content types test:' },
        { type: 'image', data: PNG_1X1, mimeType: 'image/png' },
        {
          type: 'resource',
          resource: {
            uri: 'test://mixed-content-resource',
            mimeType: 'application/json',
            text: '{"test":"data","value":123}',
          },
        },
      ],
    }),
  });

  server.tool('test_tool_with_logging', {
    description: 'Sends three log messages while running',
    handler: async (_args, ctx) => {
      await ctx.log('info', 'Tool execution started');
      await sleep(50);
      await ctx.log('info', 'Tool processing data');
      await sleep(50);
      await ctx.log('info', 'Tool execution completed');
      return 'Tool with logging executed successfully';
    },
  });

  server.tool('test_tool_with_progress', {
    description: 'Reports progress 0, 50, 100 of 100',
    handler: async (_args, ctx) => {
      for (const step of [0, 50, 100]) {
        await ctx.progress(step, 100, `Completed step ${step} of 100`);
        // Work follows each report, the last one too: SDK clients drop progress that reaches them
        // after the response, and a report in the same instant as the response can lose that race.
        await sleep(50, undefined, { signal: ctx.signal });
      }
      return 'Tool with progress executed successfully';
    },
  });

  server.tool('test_error_handling', {
    description: 'Always fails (an isError result, not a protocol error)',
    handler: () => {
      throw new Error('This tool intentionally returns an error for testing');
    },
  });

  server.tool<{ prompt: string }>('test_sampling', {
    description: 'Asks the client to sample an LLM completion',
    inputSchema: { type: 'object', properties: { prompt: { type: 'string' } }, required: ['prompt'] },
    handler: async ({ prompt }, ctx) => {
      const result = await ctx.sample({
        messages: [{ role: 'user', content: { type: 'text', text: prompt } }],
        maxTokens: 100,
      });
      const content = Array.isArray(result.content) ? result.content[0] : result.content;
      const text = content && content.type === 'text' ? String(content.text) : '(non-text response)';
      return `LLM response: ${text}`;
    },
  });

  server.tool('test_sampling_with_tools', {
    description: "Asks the client's model with a tool it may call (sampling with tools)",
    handler: async (_args, ctx) => {
      const result = await ctx.sample({
        messages: [{ role: 'user', content: { type: 'text', text: 'What is the weather in Paris?' } }],
        maxTokens: 100,
        tools: [
          {
            name: 'get_weather',
            description: 'Weather for a city',
            inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        ],
        toolChoice: { mode: 'auto' },
      });
      const blocks = Array.isArray(result.content) ? result.content : [result.content];
      return `stopReason=${String(result.stopReason)}, content=${blocks.map((block) => String(block.type)).join(',')}`;
    },
  });

  server.tool<{ message: string }>('test_elicitation', {
    description: 'Asks the user for a username and email',
    inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
    handler: async ({ message }, ctx) => {
      const result = await ctx.elicit({
        message,
        requestedSchema: {
          type: 'object',
          properties: {
            username: { type: 'string', description: "User's response" },
            email: { type: 'string', description: "User's email address" },
          },
          required: ['username', 'email'],
        },
      });
      return `User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
    },
  });

  server.tool('test_elicitation_sep1034_defaults', {
    description: 'Elicitation whose fields carry defaults',
    handler: async (_args, ctx) => {
      const result = await ctx.elicit({
        message: 'Please review and update the form fields with defaults',
        requestedSchema: {
          type: 'object',
          properties: {
            name: { type: 'string', description: 'User name', default: 'John Doe' },
            age: { type: 'integer', description: 'User age', default: 30 },
            score: { type: 'number', description: 'User score', default: 95.5 },
            status: {
              type: 'string',
              description: 'User status',
              enum: ['active', 'inactive', 'pending'],
              default: 'active',
            },
            verified: { type: 'boolean', description: 'Verification status', default: true },
          },
        },
      });
      return `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
    },
  });

  server.tool('test_elicitation_sep1330_enums', {
    description: 'Elicitation with every enum schema variant',
    handler: async (_args, ctx) => {
      const result = await ctx.elicit({
        message: 'Please select options from the enum fields',
        requestedSchema: {
          type: 'object',
          properties: {
            untitledSingle: {
              type: 'string',
              description: 'Choose one option',
              enum: ['option1', 'option2', 'option3'],
            },
            titledSingle: {
              type: 'string',
              description: 'Choose one titled option',
              oneOf: [
                { const: 'value1', title: 'First Option' },
                { const: 'value2', title: 'Second Option' },
                { const: 'value3', title: 'Third Option' },
              ],
            },
            legacyEnum: {
              type: 'string',
              description: 'Choose one option (legacy)',
              enum: ['opt1', 'opt2', 'opt3'],
              enumNames: ['Option One', 'Option Two', 'Option Three'],
            },
            untitledMulti: {
              type: 'array',
              description: 'Choose multiple options',
              items: { type: 'string', enum: ['option1', 'option2', 'option3'] },
            },
            titledMulti: {
              type: 'array',
              description: 'Choose multiple titled options',
              items: {
                anyOf: [
                  { const: 'value1', title: 'First Choice' },
                  { const: 'value2', title: 'Second Choice' },
                  { const: 'value3', title: 'Third Choice' },
                ],
              },
            },
          },
        },
      });
      return `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
    },
  });

  server.tool('test_url_elicitation', {
    description: 'Sends the user to a URL (URL-mode elicitation)',
    handler: async (_args, ctx) => {
      const result = await ctx.elicit({
        mode: 'url',
        message: 'Please sign in',
        url: 'https://example.com/sign-in',
        elicitationId: 'sign-in-1',
      });
      return `URL elicitation: action=${result.action}`;
    },
  });

  server.tool('json_schema_2020_12_tool', {
    description:
      'Tool with a JSON Schema 2020-12 input schema (kept verbatim: $defs, $anchor, composition, conditionals)',
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: {
        address: {
          $anchor: 'address',
          type: 'object',
          properties: { street: { type: 'string' }, city: { type: 'string' } },
        },
      },
      properties: {
        name: { type: 'string' },
        address: { $ref: '#/$defs/address' },
        kind: { type: 'string' },
      },
      allOf: [
        { anyOf: [{ required: ['name'] }, { required: ['address'] }, { not: { required: ['kind'] } }] },
      ],
      if: { properties: { kind: { const: 'business' } }, required: ['kind'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's conditional keyword; this object is never awaited.
      then: { required: ['name'] },
      else: { properties: { kind: { type: 'string' } } },
      additionalProperties: false,
    },
    handler: (args) => `Received: ${JSON.stringify(args)}`,
  });

  server.tool('list_roots', {
    description: "Lists the client's roots",
    handler: async (_args, ctx) => {
      const { roots } = await ctx.listRoots();
      return `Roots: ${roots.map((root) => root.uri).join(', ') || '(none)'}`;
    },
  });

  server.tool<{ ms?: number }>('slow', {
    description: 'Waits ms milliseconds (default 10 s), honouring cancellation',
    inputSchema: { type: 'object', properties: { ms: { type: 'number' } } },
    handler: async ({ ms }, ctx) => {
      await sleep(ms ?? 10_000, undefined, { signal: ctx.signal });
      return `Waited ${ms ?? 10_000} ms`;
    },
  });

  server.tool<{ steps?: number }>('long_task', {
    description: 'A long-running job that may run as a task, reporting progress',
    inputSchema: { type: 'object', properties: { steps: { type: 'number' } } },
    taskSupport: 'optional',
    handler: async ({ steps = 3 }, ctx) => {
      for (let step = 1; step <= steps; step++) {
        await sleep(20, undefined, { signal: ctx.signal });
        await ctx.progress(step, steps);
      }
      return `Finished ${steps} steps`;
    },
  });

  server.tool('confirm_task', {
    description: 'A task that asks the user to confirm before finishing',
    taskSupport: 'optional',
    handler: async (_args, ctx) => {
      const answer = await ctx.elicit({
        message: 'Proceed?',
        requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
      });
      return `Confirmed: ${answer.action === 'accept' && answer.content?.ok === true}`;
    },
  });

  server.tool('update_watched_resource', {
    description: 'Changes test://watched-resource and notifies subscribers',
    handler: () => {
      watched = `Watched resource content, version ${++watchedVersion}`;
      server.resourceUpdated('test://watched-resource');
      return 'Resource updated';
    },
  });

  let dynamicTool: { remove(): void } | undefined;
  server.tool('toggle_dynamic_tool', {
    description: 'Adds or removes the tool "dynamic" (list_changed)',
    handler: () => {
      if (dynamicTool) {
        dynamicTool.remove();
        dynamicTool = undefined;
        return 'Removed tool dynamic';
      }
      dynamicTool = server.tool('dynamic', {
        description: 'Appears and disappears',
        handler: () => 'dynamic',
      });
      return 'Added tool dynamic';
    },
  });

  // Resources
  server.resource('test://static-text', {
    name: 'static-text',
    description: 'A static text resource',
    mimeType: 'text/plain',
    read: (uri) => ({
      contents: [{ uri, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }],
    }),
  });
  server.resource('test://static-binary', {
    name: 'static-binary',
    description: 'A static binary resource (PNG)',
    mimeType: 'image/png',
    read: (uri) => ({ contents: [{ uri, mimeType: 'image/png', blob: PNG_1X1 }] }),
  });
  let watchedVersion = 1;
  let watched = 'Watched resource content, version 1';
  server.resource('test://watched-resource', {
    name: 'watched-resource',
    description: 'A resource that changes (subscribe to it)',
    mimeType: 'text/plain',
    read: (uri) => ({ contents: [{ uri, mimeType: 'text/plain', text: watched }] }),
  });
  server.resourceTemplate('test://template/{id}/data', {
    name: 'template',
    description: 'A resource template with an id',
    mimeType: 'application/json',
    complete: { id: (value) => ['1', '2', '3', '42'].filter((id) => id.startsWith(value)) },
    read: (uri, { id }) => ({
      contents: [
        {
          uri,
          mimeType: 'application/json',
          text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${String(id)}` }),
        },
      ],
    }),
  });

  // Prompts
  server.prompt('test_simple_prompt', {
    description: 'A simple prompt without arguments',
    get: () => ({
      messages: [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }],
    }),
  });
  server.prompt('test_prompt_with_arguments', {
    description: 'A prompt with two arguments',
    arguments: [
      { name: 'arg1', description: 'First test argument', required: true },
      { name: 'arg2', description: 'Second test argument', required: true },
    ],
    complete: { arg1: (value) => ['alpha', 'beta', 'gamma'].filter((item) => item.startsWith(value)) },
    get: ({ arg1, arg2 }) => ({
      messages: [
        {
          role: 'user',
          content: { type: 'text', text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` },
        },
      ],
    }),
  });
  server.prompt('test_prompt_with_embedded_resource', {
    description: 'A prompt embedding a resource',
    arguments: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }],
    get: ({ resourceUri }) => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'resource',
            resource: {
              uri: resourceUri ?? '',
              mimeType: 'text/plain',
              text: 'Embedded resource content for testing.',
            },
          },
        },
        { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
      ],
    }),
  });
  server.prompt('test_prompt_with_image', {
    description: 'A prompt with an image',
    get: () => ({
      messages: [
        { role: 'user', content: { type: 'image', data: PNG_1X1, mimeType: 'image/png' } },
        { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
      ],
    }),
  });
  registerConformanceFixtures(server);
  return server;
}

export default createServer;
