#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { benchOptions } from './bench-flags.js';
import { suggestion } from './did-you-mean.js';
import {
  BENCH_OPTIONS,
  CALL_OPTIONS,
  COMMON_OPTIONS,
  commandOf,
  DEV_OPTIONS,
  GATEWAY_OPTIONS,
  INSPECT_OPTIONS,
  parseCommandLine,
  SERVE_OPTIONS,
  VALIDATE_OPTIONS,
} from './options.js';
import { splitAtDashes } from './target.js';
import { COMMANDS, usageOf } from './usage.js';
import { UsageError } from './usage-error.js';

// Each command's code is imported when it runs: help, --version and a mistyped flag answer at once
// instead of first loading the transports, the client and the config schema.

/** Exit code, or -1 while a server keeps the process alive. */
async function main(argv: string[]): Promise<number> {
  const command = commandOf(argv, [
    SERVE_OPTIONS,
    DEV_OPTIONS,
    BENCH_OPTIONS,
    CALL_OPTIONS,
    INSPECT_OPTIONS,
    GATEWAY_OPTIONS,
  ]);
  try {
    return await run(command, argv);
  } catch (error) {
    if (error instanceof SyntaxError && command === 'serve') {
      // Node shows where a syntax error is (file, line, caret) only for an error left uncaught.
      process.stderr.write('erlmcp: the module, or a file it imports, has a syntax error:\n');
      setImmediate(() => {
        throw error;
      });
      return -1;
    }
    if (!(error instanceof UsageError)) throw error;
    const known = command !== undefined && (COMMANDS as readonly string[]).includes(command);
    process.stderr.write(`erlmcp${known ? ` ${command}` : ''}: ${error.message}\n${usageOf(command)}`);
    return 2;
  }
}

async function run(command: string | undefined, argv: string[]): Promise<number> {
  switch (command) {
    case 'serve': {
      const { values, positionals } = parseCommandLine('serve', SERVE_OPTIONS, argv);
      const module = positionals[1];
      if (values.help || values.version || !module) return helpOrVersion('serve', values, '<module>');
      const [{ serve }, { serveConfig }] = await Promise.all([
        import('./serve.js'),
        import('./serve-flags.js'),
      ]);
      await serve(serveConfig(module, values));
      return -1;
    }
    case 'dev': {
      const { values, positionals } = parseCommandLine('dev', DEV_OPTIONS, argv);
      const module = positionals[1];
      if (values.help || values.version || !module) return helpOrVersion('dev', values, '<module>');
      const { dev } = await import('./dev.js');
      await dev(module, values);
      return -1;
    }
    case 'bench': {
      const { values, positionals } = parseCommandLine('bench', BENCH_OPTIONS, argv);
      const target = positionals[1];
      if (values.help || values.version || !target) return helpOrVersion('bench', values, '<url|command>');
      const options = benchOptions(target, values);
      const { formatReport, runBench } = await import('./bench.js');
      const report = await runBench({
        ...options,
        write: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(`${formatReport(report)}\n`);
      return report.errors > 0 ? 1 : 0;
    }
    case 'call': {
      const { own, command: server } = splitAtDashes(argv);
      const { values, positionals } = parseCommandLine('call', CALL_OPTIONS, own, 3);
      if (values.help || values.version) return helpOrVersion('call', values);
      const [{ callCommand }, { runCall }] = await Promise.all([
        import('./call-flags.js'),
        import('./call.js'),
      ]);
      const output = await runCall(callCommand(positionals.slice(1), server, values));
      process.stdout.write(output.stdout);
      process.stderr.write(output.stderr);
      return output.code;
    }
    case 'inspect': {
      const { own, command: server } = splitAtDashes(argv);
      const { values, positionals } = parseCommandLine('inspect', INSPECT_OPTIONS, own, 2);
      if (values.help || values.version) return helpOrVersion('inspect', values);
      const [{ targetOf }, { eraOption }, { formatInspection, runInspect }] = await Promise.all([
        import('./call-flags.js'),
        import('./connect.js'),
        import('./inspect.js'),
      ]);
      const { target, rest } = targetOf(positionals.slice(1), server);
      if (rest[0] !== undefined) throw new UsageError(`unexpected argument "${rest[0]}" (one target)`);
      const inspection = await runInspect(target, eraOption(values.era));
      process.stdout.write(
        `${values.json ? JSON.stringify(inspection, null, 2) : formatInspection(inspection)}\n`,
      );
      return 0;
    }
    case 'gateway': {
      const { values } = parseCommandLine('gateway', GATEWAY_OPTIONS, argv, 1);
      if (values.help || values.version) return helpOrVersion('gateway', values);
      const { gateway } = await import('./gateway.js');
      await gateway(values);
      return -1;
    }
    case 'validate': {
      const { own, command: server } = splitAtDashes(argv);
      const { values, positionals } = parseCommandLine('validate', VALIDATE_OPTIONS, own, 2);
      if (values.help || values.version) return helpOrVersion('validate', values);
      const { validateCommand } = await import('./validate/command.js');
      return validateCommand(positionals.slice(1), server, values);
    }
    case undefined: {
      const { values } = parseCommandLine('', COMMON_OPTIONS, argv);
      return helpOrVersion(undefined, values);
    }
    default:
      throw new UsageError(`unknown command "${command}"${suggestion(command, COMMANDS)}`);
  }
}

/** `--version`, `--help`, or a missing positional (usage, exit 2). */
function helpOrVersion(
  command: string | undefined,
  values: { help?: boolean | undefined; version?: boolean | undefined },
  positional?: string,
): number {
  if (values.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (values.help) {
    process.stderr.write(usageOf(command));
    return 0;
  }
  if (positional) throw new UsageError(`missing ${positional}`);
  process.stderr.write(usageOf(command));
  return 2;
}

/** The version of the installed package (dist/src/cli/main.js → package.json). */
function packageVersion(): string {
  const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
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
