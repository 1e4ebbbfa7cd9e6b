import { invalidParams } from '../../jsonrpc/errors.js';
import { isPlainRecord } from '../../jsonrpc/message.js';
import type { ServerCore } from '../core.js';
import type { CompletionCallback } from '../definitions.js';
import type { Exchange } from '../exchange.js';
import type { Result } from './handler-types.js';

/** Spec cap on values per completion response. */
const MAX_COMPLETION_VALUES = 100;

export async function complete(core: ServerCore, exchange: Exchange): Promise<Result> {
  const { ref, argument, context } = exchange.params;
  if (!isPlainRecord(ref)) throw invalidParams('params.ref must be an object');
  if (!isPlainRecord(argument) || typeof argument.name !== 'string' || typeof argument.value !== 'string') {
    throw invalidParams('params.argument must have string name and value');
  }
  const callback = findCompleter(core, ref, argument.name);
  if (callback === null) throw invalidParams('Unknown completion reference');
  if (!callback) return { completion: { values: [], hasMore: false } };
  const contextArgs = isPlainRecord(context) && isPlainRecord(context.arguments) ? context.arguments : {};
  const answer = await callback(argument.value, { arguments: contextArgs as Record<string, string> });
  const values = Array.isArray(answer) ? answer : answer.values;
  const total = Array.isArray(answer) ? values.length : (answer.total ?? values.length);
  const hasMore = Array.isArray(answer)
    ? values.length > MAX_COMPLETION_VALUES
    : (answer.hasMore ?? values.length > MAX_COMPLETION_VALUES);
  return { completion: { values: values.slice(0, MAX_COMPLETION_VALUES), total, hasMore } };
}

/** null: the reference names nothing; undefined: it exists but offers no completion for that argument. */
function findCompleter(
  core: ServerCore,
  ref: Record<string, unknown>,
  argument: string,
): CompletionCallback | null | undefined {
  if (ref.type === 'ref/prompt' && typeof ref.name === 'string') {
    const prompt = core.registry.prompts.get(ref.name);
    return prompt ? ownCallback(prompt.config.complete, argument) : null;
  }
  if (ref.type === 'ref/resource' && typeof ref.uri === 'string') {
    const template = core.registry.templates.get(ref.uri);
    if (template) return ownCallback(template.config.complete, argument);
    return core.registry.resources.has(ref.uri) ? undefined : null;
  }
  throw invalidParams('params.ref.type must be "ref/prompt" or "ref/resource"');
}

/**
 * The completer registered for `argument`, if any. Own keys only: the argument name comes from the
 * client, and "constructor" or "__proto__" read from the plain `complete` map gave Object members
 * (called, they failed as -32603 "callback is not a function" instead of an empty completion).
 */
function ownCallback(
  complete: Record<string, CompletionCallback> | undefined,
  argument: string,
): CompletionCallback | undefined {
  return complete && Object.hasOwn(complete, argument) ? complete[argument] : undefined;
}
