import { jsonObject } from './bench-flags.js';
import type { CallCommand } from './call.js';
import { eraOption } from './connect.js';
import { commandTarget, type Target, urlTarget } from './target.js';
import { UsageError } from './usage-error.js';

interface ClientFlags {
  args?: string | undefined;
  json?: boolean | undefined;
  era?: string | undefined;
}

/**
 * The target and the words before it: `call <url> <name>`, or `call <name> -- <command…>`.
 * `words` are the positionals after the command word.
 */
export function targetOf(words: string[], command: string[] | undefined): { target: Target; rest: string[] } {
  if (command !== undefined) return { target: commandTarget(command), rest: words };
  const [url, ...rest] = words;
  if (url === undefined) throw new UsageError('missing <url> (or a stdio server command after --)');
  return { target: urlTarget(url), rest };
}

/** `erlmcp call` checked before anything connects: each mistake names its flag and what it takes. */
export function callCommand(words: string[], command: string[] | undefined, flags: ClientFlags): CallCommand {
  const { target, rest } = targetOf(words, command);
  const name = rest[0];
  if (name === undefined) throw new UsageError('missing <tool|method>');
  if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}" (one tool or method)`);
  return {
    target,
    name,
    args: flags.args === undefined ? {} : jsonObject(flags.args),
    json: flags.json === true,
    era: eraOption(flags.era),
  };
}
