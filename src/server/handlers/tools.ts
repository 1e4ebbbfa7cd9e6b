import { ErlmcpError, invalidParams, McpError, methodNotFound } from '../../jsonrpc/errors.js';
import { isPlainRecord } from '../../jsonrpc/message.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { TASKS_EXTENSION } from '../../protocol/meta-keys.js';
import { supportsFeature } from '../../protocol/revisions.js';
import type { CallToolResult, Tool } from '../../protocol/types.js';
import { formatIssues, type ValidationResult } from '../../schema/index.js';
import { HandlerContext, missingCapability } from '../context.js';
import type { ServerCore } from '../core.js';
import type { Exchange } from '../exchange.js';
import { type InputChannel, InputRequiredSignal } from '../input-channel.js';
import { runWithInputs } from '../mrtr.js';
import { paginate } from '../pagination.js';
import type { ToolEntry } from '../registry.js';
import { holdsAll } from '../scopes.js';
import { startToolTask } from '../tasks/task-handlers.js';
import type { MaybePromise, Result } from './handler-types.js';

export function listTools(core: ServerCore, exchange: Exchange): Result {
  const { page, nextCursor } = paginate(visibleTools(core, exchange), exchange.params.cursor, core.pageSize);
  return nextCursor === undefined ? { tools: page } : { tools: page, nextCursor };
}

/** Every tool, or with `hideUnauthorizedTools` only those the caller's token holds the scopes of. */
function visibleTools(core: ServerCore, exchange: Exchange) {
  const all = core.registry.toolList();
  const auth = exchange.auth;
  if (!core.options.hideUnauthorizedTools || !auth) return all;
  return all.filter((tool) => holdsAll(core.registry.tools.get(tool.name)?.config.scopes, auth.scopes));
}

export function callTool(core: ServerCore, exchange: Exchange): MaybePromise<Result> {
  const { name } = exchange.params;
  if (typeof name !== 'string') throw invalidParams('params.name must be a string');
  const tool = core.registry.tools.get(name);
  if (!tool) throw invalidParams(`Unknown tool: ${name}`);
  const args = exchange.params.arguments ?? {};
  if (!isPlainRecord(args)) throw invalidParams('params.arguments must be an object');
  return dispatchToolCall(
    core,
    exchange,
    tool.wire,
    (ex, input) => executeTool(ex, tool, args, input),
    tool.config.prepare ? () => prepareToolTask(core, exchange, tool, args) : undefined,
  );
}

/**
 * How a tools/call runs: as a 2025 task (`params.task`), as a 2026 task (tasks extension), or in
 * the request with input rounds. `startPrepared` starts a 2026 task whose input comes first.
 */
export function dispatchToolCall(
  core: ServerCore,
  exchange: Exchange,
  tool: Tool,
  execute: (exchange: Exchange, input: InputChannel) => MaybePromise<Result>,
  startPrepared?: () => Promise<Result>,
): MaybePromise<Result> {
  const name = tool.name;
  const taskSupport = tool.execution?.taskSupport ?? 'forbidden';
  if (exchange.era === 'legacy' && core.tasks && supportsFeature(exchange.protocolVersion, 'tasks')) {
    const taskParam = exchange.params.task;
    if (taskParam !== undefined) {
      if (taskSupport === 'forbidden')
        throw methodNotFound(`tools/call as a task (tool "${name}" does not support tasks)`);
      return startToolTask(
        core,
        exchange,
        (signal, input) => execute(exchange.withSignal(signal), input),
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
    if (startPrepared) return startPrepared();
    return startToolTask(
      core,
      exchange,
      (signal, input) => execute(exchange.withSignal(signal), input),
      undefined,
    );
  }
  return runWithInputs(core, exchange, (input) => execute(exchange, input));
}

/** Input first, in the request (MRTR); the 2026 task starts once `prepare` has everything it asked for. */
async function prepareToolTask(
  core: ServerCore,
  exchange: Exchange,
  tool: ToolEntry,
  args: Record<string, unknown>,
): Promise<Result> {
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

/**
 * Validates arguments, runs the handler, checks structured output. A handler that throws gives an
 * `isError` result (the model can read it); protocol errors and input requests propagate.
 */
function executeTool(
  exchange: Exchange,
  tool: ToolEntry,
  args: Record<string, unknown>,
  input: InputChannel,
  /** What `prepare` already produced (2026 tasks); otherwise `prepare` runs here first. */
  prepared?: Record<string, unknown>,
): MaybePromise<Result> {
  // ajv and the common Standard Schemas validate synchronously: no promise then, nor for a
  // synchronous handler (each promise costs, and more so under an async context manager).
  const validated = tool.input.validate(args);
  if (validated instanceof Promise)
    return validated.then((parsed) => runTool(exchange, tool, parsed, input, prepared));
  return runTool(exchange, tool, validated, input, prepared);
}

function runTool(
  exchange: Exchange,
  tool: ToolEntry,
  parsed: ValidationResult<unknown>,
  input: InputChannel,
  prepared: Record<string, unknown> | undefined,
): MaybePromise<Result> {
  if (!parsed.ok) {
    return errorResult(`Invalid arguments for tool ${tool.wire.name}: ${formatIssues(parsed.issues)}`);
  }
  const ctx = new HandlerContext(exchange, input);
  const value = parsed.value as Record<string, unknown>;
  if (prepared === undefined && tool.config.prepare) return prepareAndRun(tool, value, ctx);
  let returned: ReturnType<ToolEntry['config']['handler']>;
  try {
    returned = tool.config.handler((prepared ? { ...value, ...prepared } : value) as never, ctx);
  } catch (error) {
    return toolFailure(error);
  }
  if (returned instanceof Promise)
    return returned.then((settled) => checkToolResult(tool, settled), toolFailure);
  return checkToolResult(tool, returned);
}

async function prepareAndRun(
  tool: ToolEntry,
  value: Record<string, unknown>,
  ctx: HandlerContext,
): Promise<Result> {
  let returned: Awaited<ReturnType<ToolEntry['config']['handler']>>;
  try {
    const extras = await tool.config.prepare?.(value as never, ctx);
    returned = await tool.config.handler((extras ? { ...value, ...extras } : value) as never, ctx);
  } catch (error) {
    return toolFailure(error);
  }
  return checkToolResult(tool, returned);
}

/**
 * A handler that throws gives an `isError` result the model can read; protocol errors, input
 * requests, cancellation and timeouts propagate.
 */
function toolFailure(error: unknown): Result {
  if (error instanceof McpError || error instanceof InputRequiredSignal) throw error;
  if (
    error instanceof ErlmcpError &&
    (error.code === 'ERR_REQUEST_CANCELLED' || error.code === 'ERR_REQUEST_TIMEOUT')
  )
    throw error;
  return errorResult(error instanceof Error ? error.message : String(error));
}

/** The result's shape, and its structured content against the output schema. */
function checkToolResult(tool: ToolEntry, returned: string | CallToolResult): MaybePromise<Result> {
  const result: CallToolResult =
    typeof returned === 'string' ? { content: [{ type: 'text', text: returned }] } : returned;
  if (!isPlainRecord(result) || !Array.isArray(result.content)) {
    throw new McpError(
      ErrorCode.InternalError,
      `Tool ${tool.wire.name} returned an invalid result (content must be an array)`,
    );
  }
  if (!tool.output || result.isError) return mirrorStructured(result);
  if (result.structuredContent === undefined) {
    throw new McpError(
      ErrorCode.InternalError,
      `Tool ${tool.wire.name} has an outputSchema but returned no structuredContent`,
    );
  }
  const checked = tool.output.validate(result.structuredContent);
  const verdict = (outcome: ValidationResult<unknown>) => {
    if (!outcome.ok) {
      throw new McpError(
        ErrorCode.InternalError,
        `Tool ${tool.wire.name} returned structuredContent that does not match its outputSchema: ${formatIssues(outcome.issues)}`,
      );
    }
    return mirrorStructured(result);
  };
  return checked instanceof Promise ? checked.then(verdict) : verdict(checked);
}

/** Older clients read only `content`: a structured result with no content is mirrored as text. */
function mirrorStructured(result: CallToolResult): Result {
  if (result.structuredContent !== undefined && result.content.length === 0)
    return { ...result, content: [{ type: 'text', text: JSON.stringify(result.structuredContent) }] };
  return result as Result;
}

function errorResult(text: string): Result {
  return { content: [{ type: 'text', text }], isError: true };
}
