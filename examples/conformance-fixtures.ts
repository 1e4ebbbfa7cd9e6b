/**
 * Tools and prompts the 2026-07-28 conformance scenarios call by name (multi round-trip requests,
 * capability checks, per-request logging, listen streams). Written against the same `ctx` API as
 * every other handler: they work in the 2025 era too.
 */
import { ErrorCode, McpError, type McpServer } from '../src/index.js';

const nameSchema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };

export function registerConformanceFixtures(server: McpServer): void {
  server.tool('test_input_required_result_elicitation', {
    description: 'Asks for a name through elicitation (MRTR in 2026)',
    handler: async (_args, ctx) => {
      const answer = await ctx.elicit(
        { message: 'What is your name?', requestedSchema: nameSchema },
        { key: 'user_name' },
      );
      return `Hello, ${String(answer.content?.name ?? 'stranger')}!`;
    },
  });

  server.tool('test_input_required_result_sampling', {
    description: 'Asks the client model a question (MRTR in 2026)',
    handler: async (_args, ctx) => {
      const reply = await ctx.sample(
        {
          messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }],
          maxTokens: 100,
        },
        { key: 'capital_question' },
      );
      return `Sampling response: ${textOf(reply.content)}`;
    },
  });

  server.tool('test_input_required_result_list_roots', {
    description: "Lists the client's roots (MRTR in 2026)",
    handler: async (_args, ctx) => {
      const { roots } = await ctx.listRoots({ key: 'client_roots' });
      return `Client roots: ${roots.map((root) => root.uri).join(', ') || '(none)'}`;
    },
  });

  server.tool('test_input_required_result_request_state', {
    description: 'Asks for confirmation; the answer comes back with the signed requestState',
    handler: async (_args, ctx) => {
      const answer = await ctx.elicit(
        {
          message: 'Please confirm',
          requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
        },
        { key: 'confirm' },
      );
      // Reaching here means the requestState verified (HMAC, expiry, request binding).
      return `state-ok: confirmed=${String(answer.content?.ok)}`;
    },
  });

  server.tool('test_input_required_result_multiple_inputs', {
    description: 'Asks for elicitation, sampling and roots in one round',
    handler: async (_args, ctx) => {
      const [name, greeting, roots] = await Promise.all([
        ctx.elicit({ message: 'What is your name?', requestedSchema: nameSchema }, { key: 'user_name' }),
        ctx.sample(
          {
            messages: [{ role: 'user', content: { type: 'text', text: 'Generate a greeting' } }],
            maxTokens: 50,
          },
          { key: 'greeting' },
        ),
        ctx.listRoots({ key: 'client_roots' }),
      ]);
      return `name=${String(name.content?.name)}, greeting=${textOf(greeting.content)}, roots=${roots.roots.length}`;
    },
  });

  server.tool('test_input_required_result_multi_round', {
    description: 'Asks two questions in two rounds',
    handler: async (_args, ctx) => {
      const name = await ctx.elicit(
        { message: 'Step 1: What is your name?', requestedSchema: nameSchema },
        { key: 'step1' },
      );
      const color = await ctx.elicit(
        {
          message: 'Step 2: What is your favorite color?',
          requestedSchema: { type: 'object', properties: { color: { type: 'string' } }, required: ['color'] },
        },
        { key: 'step2' },
      );
      return `name=${String(name.content?.name)}, color=${String(color.content?.color)}`;
    },
  });

  server.tool('test_input_required_result_tampered_state', {
    description: 'Signs its requestState; a tampered state is refused with -32602',
    handler: async (_args, ctx) => {
      const answer = await ctx.elicit(
        { message: 'Continue?', requestedSchema: { type: 'object', properties: {} } },
        { key: 'confirm' },
      );
      return `action=${answer.action}`;
    },
  });

  server.tool('test_input_required_result_capabilities', {
    description: 'Asks only for the kinds of input the client declared',
    handler: async (_args, ctx) => {
      const caps = ctx.client.capabilities;
      const asks: Promise<unknown>[] = [];
      if (caps.elicitation)
        asks.push(
          ctx.elicit({ message: 'What is your name?', requestedSchema: nameSchema }, { key: 'user_name' }),
        );
      if (caps.sampling) {
        asks.push(
          ctx.sample(
            { messages: [{ role: 'user', content: { type: 'text', text: 'Say hi' } }], maxTokens: 20 },
            { key: 'greeting' },
          ),
        );
      }
      if (caps.roots) asks.push(ctx.listRoots({ key: 'client_roots' }));
      const answers = await Promise.all(asks);
      return `answered ${answers.length} input requests`;
    },
  });

  server.tool('test_reconnection', {
    description: 'Closes its SSE stream mid-call; the result arrives after the client resumes (2025 HTTP)',
    handler: async (_args, ctx) => {
      // A notification first, so the response is an SSE stream that can be closed and resumed.
      await ctx.log('info', 'about to close the stream');
      ctx.closeStream();
      await new Promise((resolve) => setTimeout(resolve, 100));
      return 'Reconnection test completed successfully';
    },
  });

  server.tool('test_missing_capability', {
    description: 'Needs sampling: a client without it gets -32021',
    handler: async (_args, ctx) => {
      const reply = await ctx.sample({
        messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }],
        maxTokens: 10,
      });
      return textOf(reply.content);
    },
  });

  server.tool('test_streaming_elicitation', {
    description: 'Elicits; 2026 answers with InputRequiredResult, never a request on the stream',
    handler: async (_args, ctx) => {
      const answer = await ctx.elicit(
        { message: 'Your name?', requestedSchema: nameSchema },
        { key: 'user_name' },
      );
      return `Hello, ${String(answer.content?.name)}`;
    },
  });

  server.tool('test_logging_tool', {
    description: 'Logs at every level; messages go out only if the request set a log level',
    handler: async (_args, ctx) => {
      await ctx.log('debug', 'debug message');
      await ctx.log('info', 'info message');
      await ctx.log('warning', 'warning message');
      await ctx.log('error', 'error message');
      return 'logged';
    },
  });

  let toolFlip: { remove(): void } | undefined;
  server.tool('test_trigger_tool_change', {
    description: 'Adds or removes a tool, so list_changed fires',
    handler: () => {
      if (toolFlip) {
        toolFlip.remove();
        toolFlip = undefined;
      } else {
        toolFlip = server.tool('test_ephemeral_tool', {
          description: 'Comes and goes',
          handler: () => 'ephemeral',
        });
      }
      return 'tools changed';
    },
  });

  let promptFlip: { remove(): void } | undefined;
  server.tool('test_trigger_prompt_change', {
    description: 'Adds or removes a prompt, so list_changed fires',
    handler: () => {
      if (promptFlip) {
        promptFlip.remove();
        promptFlip = undefined;
      } else {
        promptFlip = server.prompt('test_ephemeral_prompt', {
          description: 'Comes and goes',
          get: () => ({ messages: [] }),
        });
      }
      return 'prompts changed';
    },
  });

  server.tool<{ region?: string; priority?: number; verbose?: boolean; query?: string }>(
    'test_custom_headers',
    {
      description: 'Arguments mirrored into Mcp-Param-* headers (x-mcp-header)',
      inputSchema: {
        type: 'object',
        properties: {
          region: { type: 'string', 'x-mcp-header': 'Region' },
          priority: { type: 'integer', 'x-mcp-header': 'Priority' },
          verbose: { type: 'boolean', 'x-mcp-header': 'Verbose' },
          query: { type: 'string' },
        },
      },
      handler: (args) => `Headers validated for ${JSON.stringify(args)}`,
    },
  );

  // Tasks extension (SEP-2663) fixtures.
  server.tool<{ name?: string }>('greet', {
    description: 'Sync-only greeting',
    inputSchema: { type: 'object', properties: { name: { type: 'string' } } },
    handler: ({ name }) => `Hello, ${name ?? 'world'}!`,
  });

  server.tool<{ seconds?: number }>('slow_compute', {
    description: 'Sleeps `seconds` seconds, then answers; may run as a task',
    inputSchema: { type: 'object', properties: { seconds: { type: 'number' } } },
    taskSupport: 'optional',
    handler: async ({ seconds = 1 }, ctx) => {
      await sleepFor(seconds * 1000, ctx.signal);
      return `Computed after ${seconds} s`;
    },
  });

  server.tool('failing_job', {
    description: 'A task that reports a tool execution error',
    taskSupport: 'required',
    handler: async (_args, ctx) => {
      await sleepFor(1000, ctx.signal);
      throw new Error('The job failed');
    },
  });

  server.tool('protocol_error_job', {
    description: 'A task that ends in a protocol-level error',
    taskSupport: 'optional',
    handler: () => {
      throw new McpError(ErrorCode.InternalError, 'The job crashed');
    },
  });

  server.tool('confirm_delete', {
    description: 'A task that asks for confirmation, then completes',
    taskSupport: 'optional',
    handler: async (_args, ctx) => {
      const answer = await ctx.elicit(
        {
          message: 'Delete the file?',
          requestedSchema: {
            type: 'object',
            properties: { confirm: { type: 'boolean' } },
            required: ['confirm'],
          },
        },
        { key: 'confirm' },
      );
      return `Deleted: ${answer.action === 'accept' && answer.content?.confirm === true}`;
    },
  });

  server.tool('multi_input', {
    description: 'A task that asks two questions at once',
    taskSupport: 'optional',
    handler: async (_args, ctx) => {
      const [first, second] = await Promise.all([
        ctx.elicit({ message: 'First?', requestedSchema: nameSchema }, { key: 'first' }),
        ctx.elicit({ message: 'Second?', requestedSchema: nameSchema }, { key: 'second' }),
      ]);
      return `first=${String(first.content?.name)}, second=${String(second.content?.name)}`;
    },
  });

  server.tool<{ user_name?: string }>('test_tool_with_task', {
    description: 'Asks for a name in the request (MRTR), then runs as a task',
    taskSupport: 'required',
    prepare: async (_args, ctx) => {
      const answer = await ctx.elicit(
        { message: 'What is your name?', requestedSchema: nameSchema },
        { key: 'user_name' },
      );
      return { user_name: String(answer.content?.name ?? 'stranger') };
    },
    handler: async ({ user_name }, ctx) => {
      await sleepFor(50, ctx.signal);
      return `Task finished for ${user_name}`;
    },
  });

  server.prompt('test_input_required_result_prompt', {
    description: 'A prompt that asks the user for context first',
    get: async (_args, ctx) => {
      const answer = await ctx.elicit(
        {
          message: 'What context should the prompt use?',
          requestedSchema: {
            type: 'object',
            properties: { context: { type: 'string' } },
            required: ['context'],
          },
        },
        { key: 'user_context' },
      );
      return {
        messages: [
          { role: 'user', content: { type: 'text', text: `Context: ${String(answer.content?.context)}` } },
        ],
      };
    },
  });
}

function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

function textOf(content: unknown): string {
  const block = Array.isArray(content) ? content[0] : content;
  return block && typeof block === 'object' && 'text' in block
    ? String((block as { text: unknown }).text)
    : '(no text)';
}
