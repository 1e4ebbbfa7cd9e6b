import { ErlmcpError, invalidParams } from '../jsonrpc/errors.js';
import { isPlainRecord } from '../jsonrpc/message.js';
import type { ServerCore } from './core.js';
import type { Exchange } from './exchange.js';
import type { MaybePromise, Result } from './handlers/handler-types.js';
import { type InputChannel, LinkInputChannel, ReplayInputChannel } from './input-channel.js';
import type { RequestBinding } from './request-state.js';

/**
 * Runs a handler that may ask the client for input (tools/call, prompts/get, resources/read).
 * 2025: input requests are real server→client requests. 2026: deterministic replay — answers come
 * back in the signed `requestState` plus `inputResponses`; unanswered inputs end the round with an
 * `InputRequiredResult`.
 */
export function runWithInputs(
  core: ServerCore,
  exchange: Exchange,
  run: (input: InputChannel) => MaybePromise<Result>,
): MaybePromise<Result> {
  if (exchange.era === 'legacy') {
    return run(new LinkInputChannel(exchange.link, exchange, core.inputTimeoutMs));
  }
  const binding = { method: exchange.method, params: exchange.params, principal: exchange.principal };
  let answers: Record<string, unknown> = {};
  if (exchange.params.requestState !== undefined) {
    const state = core.requestState.open(exchange.params.requestState, binding);
    answers = { ...state.answers };
    const responses = exchange.params.inputResponses;
    if (responses !== undefined && !isPlainRecord(responses))
      throw invalidParams('inputResponses must be an object');
    for (const [key, method] of Object.entries(state.pending)) {
      const response = responses?.[key];
      if (response !== undefined) answers[key] = validateInputResponse(key, method, response);
    }
  }
  const channel = new ReplayInputChannel(answers);
  // Synchronous handlers stay synchronous: no promise on the common path.
  let outcome: MaybePromise<Result>;
  try {
    outcome = run(channel);
  } catch (error) {
    return roundFailed(core, channel, answers, binding, error);
  }
  if (outcome instanceof Promise) {
    return outcome.then(
      (result) => roundEnded(core, channel, answers, binding, result),
      (error: unknown) => roundFailed(core, channel, answers, binding, error),
    );
  }
  return roundEnded(core, channel, answers, binding, outcome);
}

function roundEnded(
  core: ServerCore,
  channel: ReplayInputChannel,
  answers: Record<string, unknown>,
  binding: RequestBinding,
  result: Result,
): Result {
  return channel.hasPending ? inputRequired(core, channel, answers, binding) : result;
}

/** A handler that asked for input may throw once it sees none: the input requests win then. */
function roundFailed(
  core: ServerCore,
  channel: ReplayInputChannel,
  answers: Record<string, unknown>,
  binding: RequestBinding,
  error: unknown,
): Result {
  if (!channel.hasPending) throw error;
  return inputRequired(core, channel, answers, binding);
}

/** The round ended with input requests unanswered: hand them to the client with the sealed state. */
function inputRequired(
  core: ServerCore,
  channel: ReplayInputChannel,
  answers: Record<string, unknown>,
  binding: RequestBinding,
): Result {
  const rounds = Object.keys(answers).length;
  if (rounds >= core.maxInputRounds) {
    throw new ErlmcpError(
      'ERR_INPUT_ROUNDS_EXCEEDED',
      `More than ${core.maxInputRounds} input requests in one request`,
    );
  }
  const pending: Record<string, string> = {};
  for (const [key, request] of Object.entries(channel.pending)) pending[key] = request.method;
  return {
    resultType: 'input_required',
    inputRequests: channel.pending,
    requestState: core.requestState.seal({ answers, pending }, binding),
  };
}

const ELICIT_ACTIONS = new Set(['accept', 'decline', 'cancel']);

/** The minimal shape each kind of answer must have; unknown extra fields are ignored per spec. */
function validateInputResponse(key: string, method: string, response: unknown): unknown {
  const invalid = (what: string) => invalidParams(`inputResponses["${key}"] ${what}`);
  if (!isPlainRecord(response)) throw invalid('must be an object');
  if (method === 'elicitation/create' && !ELICIT_ACTIONS.has(response.action as string)) {
    throw invalid('must be an elicitation result with action accept, decline or cancel');
  }
  if (
    method === 'sampling/createMessage' &&
    (typeof response.model !== 'string' || response.content === undefined)
  ) {
    throw invalid('must be a sampling result with model and content');
  }
  if (method === 'roots/list' && !Array.isArray(response.roots))
    throw invalid('must be a roots result with a roots array');
  return response;
}
