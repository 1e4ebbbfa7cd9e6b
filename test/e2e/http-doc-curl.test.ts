/**
 * docs/http.md's curl examples, run as written against the example server `npm start` serves: every
 * curl block must be marked, and must print what the page says it prints. The blocks run in one
 * shell, in order, so the variables they set (session id, requestState) flow as they do for a reader.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCli } from '../support/cli-process.js';
import { docExamples, firstUnmatched } from '../support/doc-examples.js';

const DOC = fileURLToPath(new URL('../../docs/http.md', import.meta.url));
const EXAMPLE_SERVER = 'dist/examples/everything.js';
/** Where the page's examples send their requests (`npm start`); replaced by the test server's origin. */
const DOC_ORIGIN = 'http://127.0.0.1:3000';
const SCRIPT_TIMEOUT_MS = 30_000;
const BLOCK_MARK = '@@@ curl-test ';

const { examples, problems } = docExamples(readFileSync(DOC, 'utf8'));

interface ScriptRun {
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a bash script in its own process group, and kills the group after (background curls too). */
function runBash(script: string, env: Record<string, string>): Promise<ScriptRun> {
  const child = spawn('bash', ['-c', script], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // The group is gone already.
    }
  };
  const stdout = collected(child.stdout);
  const stderr = collected(child.stderr);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, SCRIPT_TIMEOUT_MS);
  return new Promise((resolve) => {
    child.once('close', () => {
      clearTimeout(timer);
      killGroup();
      resolve({ stdout: stdout(), stderr: stderr(), timedOut });
    });
  });
}

/** Everything a stream says, as text, read when asked. */
function collected(stream: Readable): () => string {
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  return () => text;
}

/** Each block's output, by name, from the marks echoed between blocks. */
function outputsByBlock(stdout: string): Map<string, string> {
  const outputs = new Map<string, string>();
  for (const part of stdout.split(BLOCK_MARK).slice(1)) {
    const newline = part.indexOf('\n');
    outputs.set(part.slice(0, newline), part.slice(newline + 1));
  }
  return outputs;
}

describe('docs/http.md: the curl examples', () => {
  let server: CliServer | undefined;
  let run: ScriptRun | undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'erlmcp-doc-curl-'));

  // Without curl every test below fails (none is skipped) and says how to get it.
  const curl = spawnSync('curl', ['--version']);
  const noCurl =
    curl.error || curl.status !== 0
      ? 'curl is missing: apt-get install curl (the examples run it)'
      : undefined;

  beforeAll(async () => {
    if (noCurl) return;
    server = await startCli([EXAMPLE_SERVER, '--transport', 'http', '--host', '127.0.0.1', '--port', '0']);
    const origin = new URL(server.url).origin;
    const script = examples
      .map(({ name, script }) => `echo '${BLOCK_MARK}${name}'\n${script.replaceAll(DOC_ORIGIN, origin)}`)
      .join('\n');
    // mktemp in the examples writes under TMPDIR: a scratch folder removed after, whatever happens.
    run = await runBash(script, { TMPDIR: scratch });
  }, SCRIPT_TIMEOUT_MS + 20_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('has curl to run the examples with', () => {
    expect(noCurl).toBeUndefined();
  });

  it('marks every curl block with a name and the output it prints', () => {
    expect(problems).toEqual([]);
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples.map((example) => [example.name, example] as const))('%s', (_name, example) => {
    expect(run, noCurl ?? 'the examples did not run').toBeDefined();
    expect(run!.timedOut, `the examples did not finish in ${SCRIPT_TIMEOUT_MS} ms`).toBe(false);
    const output = outputsByBlock(run!.stdout).get(example.name);
    expect(output, `docs/http.md:${example.line} did not run; stderr:\n${run!.stderr}`).toBeDefined();
    const missing = firstUnmatched(example.expected, output!);
    expect(
      missing,
      `docs/http.md:${example.line} (${example.name}) printed:\n${output}\nstderr:\n${run!.stderr}`,
    ).toBeUndefined();
  });
});
