import type { Client } from '../client/client.js';
import type { VersionNegotiation } from '../client/options.js';
import { McpError } from '../jsonrpc/errors.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { serverErrorLine, withClient } from './connect.js';
import { didYouMean } from './did-you-mean.js';
import type { Target } from './target.js';

export interface CallCommand {
  target: Target;
  /** A tool name, or (when it contains '/') a JSON-RPC method sent as is. */
  name: string;
  args: Record<string, unknown>;
  json: boolean;
  era: VersionNegotiation;
}

export interface CallOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** `erlmcp call`: one tool call or one raw request; exit 1 on a tool's isError or a server error. */
export async function runCall(command: CallCommand): Promise<CallOutput> {
  return withClient(command.target, command.era, async (client) => {
    try {
      const result = await send(client, command);
      const failed = !command.name.includes('/') && result.isError === true;
      const text = command.json ? JSON.stringify(result, null, 2) : humanText(result);
      return failed
        ? { code: 1, stdout: command.json ? `${text}\n` : '', stderr: command.json ? '' : `${text}\n` }
        : { code: 0, stdout: `${text}\n`, stderr: '' };
    } catch (error) {
      const hint = await unknownToolHint(client, command, error);
      return { code: 1, stdout: '', stderr: `${serverErrorLine(error)}${hint}\n` };
    }
  });
}

/** For a tool the server does not know: the closest name it lists (`ecoh` → `echo`), if any. */
async function unknownToolHint(client: Client, command: CallCommand, error: unknown): Promise<string> {
  if (command.name.includes('/') || !(error instanceof McpError) || error.code !== ErrorCode.InvalidParams)
    return '';
  if (!/unknown tool/i.test(error.message)) return '';
  try {
    const names = (await client.listAllTools()).map((tool) => tool.name);
    const suggestion = didYouMean(command.name, names);
    return suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
  } catch {
    return ''; // the hint is a courtesy: the error itself is already said
  }
}

function send(client: Client, command: CallCommand): Promise<Record<string, unknown>> {
  if (command.name.includes('/')) return client.request(command.name, command.args);
  return client.callTool(command.name, command.args) as Promise<unknown> as Promise<Record<string, unknown>>;
}

/** A tool's text blocks line by line (what a person reads); any other result as pretty JSON. */
function humanText(result: Record<string, unknown>): string {
  const content = result.content;
  if (Array.isArray(content)) {
    const blocks = content as { type?: string; text?: unknown }[];
    if (blocks.length > 0 && blocks.every((block) => typeof block.text === 'string')) {
      return blocks.map((block) => block.text).join('\n');
    }
  }
  const { _meta: _ignored, ...shown } = result;
  return JSON.stringify(shown, null, 2);
}
