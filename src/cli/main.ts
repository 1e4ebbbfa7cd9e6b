#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { serve } from './serve.js';

const USAGE = `Usage: erlmcp serve <module> [--transport stdio]

  serve    Runs the McpServer exported by <module> (default export, "server" or "createServer").
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { transport: { type: 'string', default: 'stdio' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, module] = positionals;
  if (values.help || !command) {
    process.stderr.write(USAGE);
    return values.help ? 0 : 2;
  }
  if (command === 'serve') {
    if (!module) {
      process.stderr.write(`erlmcp serve: missing <module>\n${USAGE}`);
      return 2;
    }
    await serve({ module, transport: values.transport ?? 'stdio' });
    return -1;
  }
  process.stderr.write(`erlmcp: unknown command "${command}"\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`erlmcp: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
