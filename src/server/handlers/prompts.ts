import { invalidParams } from '../../jsonrpc/errors.js';
import { isPlainRecord } from '../../jsonrpc/message.js';
import { formatIssues } from '../../schema/index.js';
import { HandlerContext } from '../context.js';
import type { ServerCore } from '../core.js';
import type { Exchange } from '../exchange.js';
import { runWithInputs } from '../mrtr.js';
import { paginate } from '../pagination.js';
import type { Result } from './handler-types.js';

export function listPrompts(core: ServerCore, exchange: Exchange): Result {
  const { page, nextCursor } = paginate(core.registry.promptList(), exchange.params.cursor, core.pageSize);
  return nextCursor === undefined ? { prompts: page } : { prompts: page, nextCursor };
}

export async function getPrompt(core: ServerCore, exchange: Exchange): Promise<Result> {
  const { name } = exchange.params;
  if (typeof name !== 'string') throw invalidParams('params.name must be a string');
  const prompt = core.registry.prompts.get(name);
  if (!prompt) throw invalidParams(`Unknown prompt: ${name}`);
  const args = exchange.params.arguments ?? {};
  if (!isPlainRecord(args)) throw invalidParams('params.arguments must be an object');
  for (const [key, value] of Object.entries(args)) {
    if (typeof value !== 'string') throw invalidParams(`Prompt argument "${key}" must be a string`);
  }
  for (const argument of prompt.wire.arguments ?? []) {
    if (argument.required && args[argument.name] === undefined) {
      throw invalidParams(`Missing required argument "${argument.name}" for prompt ${name}`);
    }
  }
  let checked = args as Record<string, unknown>;
  if (prompt.args) {
    const outcome = await prompt.args.validate(args);
    if (!outcome.ok) {
      throw invalidParams(`Invalid arguments for prompt ${name}: ${formatIssues(outcome.issues)}`);
    }
    checked = outcome.value as Record<string, unknown>;
  }
  return runWithInputs(core, exchange, async (input) => {
    const result = await prompt.config.get(checked as never, new HandlerContext(exchange, input));
    return result as Result;
  });
}
