import { ErlmcpError, invalidParams, McpError, methodNotFound } from '../../jsonrpc/errors.js';
import { isPlainRecord } from '../../jsonrpc/message.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { TASKS_EXTENSION } from '../../protocol/meta-keys.js';
import { supportsFeature } from '../../protocol/revisions.js';
import type { CallToolResult } from '../../protocol/types.js';
import { formatIssues } from '../../schema/index.js';
import { HandlerContext, missingCapability } from '../context.js';
import type { ServerCore } from '../core.js';
import type { Exchange } from '../exchange.js';
import { type InputChannel, InputRequiredSignal } from '../input-channel.js';
import { runWithInputs } from '../mrtr.js';
import { paginate } from '../pagination.js';
import type { ToolEntry } from '../registry.js';
import { startToolTask } from '../tasks/task-handlers.js';
import type { Result } from './handler-types.js';

export function listTools(core: ServerCore, exchange: Exchange): Result {
  const { page, nextCursor } = paginate(core.registry.toolList(), exchange.params.cursor, core.pageSize);
  return nextCursor === undefined ? { tools: page } : { tools: page, nextCursor };
}

export async function callTool(core: ServerCore, exchange: Exchange): Promise<Result> {
  const { name } = exchange.params;
  if (typeof name !== 'string') throw invalidParams('params.name must be a string');
  const tool = core.registry.tools.get(name);
  if (!tool) throw invalidParams(`Unknown tool: ${name}`);
  const args = exchange.params.arguments ?? {};
  if (!isPlainRecord(args)) throw invalidParams('params.arguments must be an object');
  const taskSupport = tool.wire.execution?.taskSupport ?? 'forbidden';

  if (exchange.era === 'legacy' && core.tasks && supportsFeature(exchange.protocolVersion, 'tasks')) {
    const taskParam = exchange.params.task;
    if (taskParam !== undefined) {
      if (taskSupport === 'forbidden')
        throw methodNotFound(`tools/call as a task (tool "${name}" does not support tasks)`);
      return startToolTask(
        core,
        exchange,
        (signal, input) => executeTool(exchange.withSignal(signal), tool, args, input),
        taskParam,
      );
    }
    if (taskSupport === 'required') {
      throw new McpError(ErrorCode.MethodNotFound, `Tool "${name}" must be invoked as a task`);
    }
  }
  if (exchange.era === 'modern' && taskSupport === 'required' && !core.modernTasksEnabled(exchange)) {
    throw missingCapability(
      { extensions: { [TASKS_EXTENSION]: {} } },
      `the tasks extension (tool "${name}" runs only as a task)`,
    );
  }
  if (exchange.era === 'modern' && taskSupport !== 'forbidden' && core.modernTasksEnabled(exchange)) {
    if (tool.config.prepare) {
      // Input first, in the request (MRTR); the task starts once `prepare` has everything it asked for.
      const prepared = await runWithInputs(core, exchange, async (input) => ({
        prepared: await tool.config.prepare?.(args as never, new HandlerContext(exchange, input)),
      }));
      if (prepared.resultType === 'input_required') return prepared;
      const extras = prepared.prepared as Record<string, unknown>;
      return startToolTask(
        core,
        exchange,
        (signal, input) => executeTool(exchange.withSignal(signal), tool, args, input, extras),
        undefined,
      );
    }
    return startToolTask(
      core,
      exchange,
      (signal, input) => executeTool(exchange.withSignal(signal), tool, args, input),
      undefined,
    );
  }
  return runWithInputs(core, exchange, (input) => executeTool(exchange, tool, args, input));
}

/**
 * Validates arguments, runs the handler, checks structured output. A handler that throws gives an
 * `isError` result (the model can read it); protocol errors and input requests propagate.
 */
async function executeTool(
  exchange: Exchange,
  tool: ToolEntry,
  args: Record<string, unknown>,
  input: InputChannel,
  /** What `prepare` already produced (2026 tasks); otherwise `prepare` runs here first. */
  prepared?: Record<string, unknown>,
): Promise<Result> {
  const validated = tool.input.validate(args);
  // ajv and the common Standard Schemas validate synchronously: skip the microtask then.
  const parsed = validated instanceof Promise ? await validated : validated;
  if (!parsed.ok) {
    return errorResult(`Invalid arguments for tool ${tool.wire.name}: ${formatIssues(parsed.issues)}`);
  }
  const ctx = new HandlerContext(exchange, input);
  let result: CallToolResult;
  try {
    let value = parsed.value as Record<string, unknown>;
    const extras =
      prepared ?? (tool.config.prepare ? await tool.config.prepare(value as never, ctx) : undefined);
    if (extras) value = { ...value, ...extras };
    const pending = tool.config.handler(value as never, ctx);
    const returned = pending instanceof Promise ? await pending : pending;
    result = typeof returned === 'string' ? { content: [{ type: 'text', text: returned }] } : returned;
  } catch (error) {
    if (error instanceof McpError || error instanceof InputRequiredSignal) throw error;
    if (
      error instanceof ErlmcpError &&
      (error.code === 'ERR_REQUEST_CANCELLED' || error.code === 'ERR_REQUEST_TIMEOUT')
    )
      throw error;
    return errorResult(error instanceof Error ? error.message : String(error));
  }
  if (!isPlainRecord(result) || !Array.isArray(result.content)) {
    throw new McpError(
      ErrorCode.InternalError,
      `Tool ${tool.wire.name} returned an invalid result (content must be an array)`,
    );
  }
  if (tool.output && !result.isError) {
    if (result.structuredContent === undefined) {
      throw new McpError(
        ErrorCode.InternalError,
        `Tool ${tool.wire.name} has an outputSchema but returned no structuredContent`,
      );
    }
    const checked = await tool.output.validate(result.structuredContent);
    if (!checked.ok) {
      throw new McpError(
        ErrorCode.InternalError,
        `Tool ${tool.wire.name} returned structuredContent that does not match its outputSchema: ${formatIssues(checked.issues)}`,
      );
    }
  }
  if (result.structuredContent !== undefined && result.content.length === 0) {
    // Older clients read only `content`: mirror the structured result as text.
    result = { ...result, content: [{ type: 'text', text: JSON.stringify(result.structuredContent) }] };
  }
  return result as Result;
}

function errorResult(text: string): Result {
  return { content: [{ type: 'text', text }], isError: true };
}
