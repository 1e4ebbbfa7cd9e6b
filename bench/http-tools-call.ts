/**
 * HTTP benchmark: `tools/call` of an `echo` tool against erlmcp (2026 stateless; 2025 session with
 * JSON and with SSE responses), the SDK v1 StreamableHTTPServerTransport (2025 session, JSON), the
 * SDK v2 createMcpHandler (2026) and sessionful transport (2025, JSON), and a raw node:http JSON-RPC
 * handler (the ceiling, fed the 2025 and the 2026 request), in the same run, several rounds, medians
 * and ratios (each erlmcp configuration against the raw handler fed the same request). Load from wrk (one thread, 32 connections); the CPU of
 * wrk and of the server is reported so a saturated generator shows.
 * Usage: node dist/bench/http-tools-call.js [--seconds 5] [--rounds 3] [--quick] [--baseline DIR]
 * `--baseline DIR` adds erlmcp as built in another checkout (DIR/dist), to compare before and after a
 * change in one run.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatCpu } from './lib/cpu.js';
import { ACCEPT, openSession } from './lib/http-session.js';
import { writeResult, wrkTargetResult } from './lib/results.js';
import { startServer } from './lib/spawn-server.js';
import { median } from './lib/stats.js';
import { runWrk, type WrkResult } from './lib/wrk.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    quick: { type: 'boolean' },
    json: { type: 'string' },
    baseline: { type: 'string' },
  },
});
const seconds = values.quick ? 2 : Number(values.seconds);
const rounds = values.quick ? 1 : Number(values.rounds);
const connections = 32;

const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
};

interface Target {
  name: string;
  script: string;
  args: string[];
  era: 'legacy' | 'modern';
}

const targets: Target[] = [
  { name: 'raw node:http (ceiling)', script: 'peers/raw-http-server.js', args: [], era: 'legacy' },
  // The same raw handler fed the 2026 request (its larger body and headers): the 2026 ceiling.
  { name: 'raw node:http, 2026 request', script: 'peers/raw-http-server.js', args: [], era: 'modern' },
  { name: 'erlmcp 2026 stateless', script: 'peers/erlmcp-http-server.js', args: [], era: 'modern' },
  {
    name: 'erlmcp 2025 session, JSON',
    script: 'peers/erlmcp-http-server.js',
    args: ['--mode', 'json'],
    era: 'legacy',
  },
  {
    name: 'erlmcp 2025 session, SSE',
    script: 'peers/erlmcp-http-server.js',
    args: ['--mode', 'sse'],
    era: 'legacy',
  },
  { name: 'SDK v1 2025 session, JSON', script: 'peers/sdk-v1-http-server.js', args: [], era: 'legacy' },
  { name: 'SDK v2 createMcpHandler 2026', script: 'peers/sdk-v2-http-server.js', args: [], era: 'modern' },
  {
    name: 'SDK v2 sessionful 2025, JSON',
    script: 'peers/sdk-v2-session-http-server.js',
    args: [],
    era: 'legacy',
  },
];

if (values.baseline) {
  // Right after today's erlmcp targets, so both run under the same conditions in each round.
  const script = resolve(values.baseline, 'dist/bench/peers/erlmcp-http-server.js');
  const at = targets.findIndex((target) => target.name === 'erlmcp 2025 session, SSE') + 1;
  targets.splice(
    at,
    0,
    { name: 'erlmcp BASELINE 2026 stateless', script, args: [], era: 'modern' },
    { name: 'erlmcp BASELINE 2025 JSON', script, args: ['--mode', 'json'], era: 'legacy' },
    { name: 'erlmcp BASELINE 2025 SSE', script, args: ['--mode', 'sse'], era: 'legacy' },
  );
}

async function load(target: Target, url: string, serverPid: number): Promise<WrkResult> {
  const options = { connections, seconds, serverPid };
  if (target.era === 'modern') {
    const headers = {
      ...ACCEPT,
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': 'echo',
    };
    const params = JSON.stringify({ name: 'echo', arguments: { message: 'hello' }, _meta: MODERN_META });
    return runWrk(
      url,
      headers,
      '{"jsonrpc":"2.0","id":',
      `,"method":"tools/call","params":${params}}`,
      options,
    );
  }
  const headers = target.name.startsWith('raw') ? ACCEPT : await openSession(url);
  const params = JSON.stringify({ name: 'echo', arguments: { message: 'hello' } });
  return runWrk(
    url,
    headers,
    '{"jsonrpc":"2.0","id":',
    `,"method":"tools/call","params":${params}}`,
    options,
  );
}

console.log(
  `HTTP tools/call: wrk -t1 -c${connections}, ${seconds}s per run, ${rounds} round(s), Node ${process.version}`,
);
const results = new Map<string, WrkResult[]>(targets.map((t) => [t.name, []]));
const ratios: number[] = [];
for (let round = 1; round <= rounds; round++) {
  const rates: Record<string, number> = {};
  for (const target of targets) {
    const server = await startServer(resolve(here, target.script), target.args);
    try {
      await load(target, server.url, server.pid); // warm-up run, discarded
      const result = await load(target, server.url, server.pid);
      if (result.errors > 0) throw new Error(`${target.name}: ${result.errors} non-2xx responses`);
      results.get(target.name)!.push(result);
      rates[target.name] = result.requestsPerSecond;
      console.log(
        `round ${round}: ${target.name.padEnd(30)} ${Math.round(result.requestsPerSecond).toLocaleString('en-US').padStart(8)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  wrk CPU ${formatCpu(result.generatorCpu)}  server CPU ${formatCpu(result.serverCpu)}`,
      );
    } finally {
      await server.stop();
    }
  }
  ratios.push(
    rates['erlmcp 2025 session, JSON']! /
      Math.max(
        rates['SDK v1 2025 session, JSON']!,
        rates['SDK v2 createMcpHandler 2026']!,
        rates['SDK v2 sessionful 2025, JSON']!,
      ),
  );
}
const med = (name: string) => median(results.get(name)!.map((r) => r.requestsPerSecond));
const raw = med('raw node:http (ceiling)');
const rawModern = med('raw node:http, 2026 request');
const bestSdk = Math.max(
  med('SDK v1 2025 session, JSON'),
  med('SDK v2 createMcpHandler 2026'),
  med('SDK v2 sessionful 2025, JSON'),
);
console.log('\nmedians:');
for (const target of targets) {
  const rps = med(target.name);
  const p99 = median(results.get(target.name)!.map((r) => r.p99Ms));
  // Each erlmcp configuration against the raw handler fed the same request shape.
  const ceiling = target.era === 'modern' ? rawModern : raw;
  const versus = target.name.startsWith('erlmcp')
    ? `  ${((rps / ceiling) * 100).toFixed(0)}% of raw, ${(rps / bestSdk).toFixed(1)}x best SDK`
    : '';
  console.log(
    `  ${target.name.padEnd(30)} ${Math.round(rps).toLocaleString('en-US').padStart(8)} req/s  p99 ${p99.toFixed(2)} ms${versus}`,
  );
}
console.log('targets: erlmcp >= 70% of raw node:http and >= 8x the best SDK configuration');
console.log('load generator: wrk (lean, C), not the erlmcp client');

writeResult(values.json, {
  scenario: 'HTTP tools/call (wrk -t1 -c32)',
  unit: 'req/s',
  generator: 'wrk (lean purpose-built, C, one thread), not the erlmcp client',
  targets: targets.map((target) => wrkTargetResult(target.name, results.get(target.name)!)),
  ratio: { label: 'erlmcp 2025 JSON / best SDK', value: median(ratios), rounds: ratios },
});
