/**
 * HTTP benchmark: `tools/call` of an `echo` tool against erlmcp (2026 stateless; 2025 session with
 * JSON and with SSE responses), the SDK v1 StreamableHTTPServerTransport (2025 session, JSON), the
 * SDK v2 createMcpHandler (2026), and a raw node:http JSON-RPC handler (the ceiling), in the same
 * run, several rounds, medians and ratios. Load from wrk (one thread, 32 connections).
 * Usage: node dist/bench/http-tools-call.js [--seconds 5] [--rounds 3] [--quick]
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './lib/stats.js';
import { runWrk, type WrkResult } from './lib/wrk.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    quick: { type: 'boolean' },
    json: { type: 'string' },
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
const ACCEPT = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

interface Target {
  name: string;
  script: string;
  args: string[];
  era: 'legacy' | 'modern';
}

const targets: Target[] = [
  { name: 'raw node:http (ceiling)', script: 'peers/raw-http-server.js', args: [], era: 'legacy' },
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
];

async function start(target: Target): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [join(here, target.script), ...target.args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const match = /URL (\S+)/.exec(chunk);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${target.name} exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGKILL') };
}

async function load(target: Target, url: string): Promise<WrkResult> {
  const headers: Record<string, string> = { ...ACCEPT };
  if (target.era === 'modern') {
    Object.assign(headers, {
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': 'echo',
    });
    const params = JSON.stringify({ name: 'echo', arguments: { message: 'hello' }, _meta: MODERN_META });
    return runWrk(url, headers, '{"jsonrpc":"2.0","id":', `,"method":"tools/call","params":${params}}`, {
      connections,
      seconds,
    });
  }
  if (!target.name.startsWith('raw')) {
    const init = await fetch(url, {
      method: 'POST',
      headers: ACCEPT,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'bench', version: '1' },
        },
      }),
    });
    const session = init.headers.get('mcp-session-id');
    await init.text();
    if (!session) throw new Error(`${target.name}: no session id`);
    headers['mcp-session-id'] = session;
    headers['mcp-protocol-version'] = '2025-11-25';
    await (
      await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
      })
    ).text();
  }
  const params = JSON.stringify({ name: 'echo', arguments: { message: 'hello' } });
  return runWrk(url, headers, '{"jsonrpc":"2.0","id":', `,"method":"tools/call","params":${params}}`, {
    connections,
    seconds,
  });
}

console.log(
  `HTTP tools/call: wrk -t1 -c${connections}, ${seconds}s per run, ${rounds} round(s), Node ${process.version}`,
);
const results = new Map<string, WrkResult[]>(targets.map((t) => [t.name, []]));
for (let round = 1; round <= rounds; round++) {
  for (const target of targets) {
    const server = await start(target);
    try {
      await load(target, server.url); // warm-up run, discarded
      const result = await load(target, server.url);
      if (result.errors > 0) throw new Error(`${target.name}: ${result.errors} non-2xx responses`);
      results.get(target.name)!.push(result);
      console.log(
        `round ${round}: ${target.name.padEnd(30)} ${Math.round(result.requestsPerSecond).toLocaleString('en-US').padStart(8)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms`,
      );
    } finally {
      server.stop();
    }
  }
}
const med = (name: string) => median(results.get(name)!.map((r) => r.requestsPerSecond));
const raw = med('raw node:http (ceiling)');
const bestSdk = Math.max(med('SDK v1 2025 session, JSON'), med('SDK v2 createMcpHandler 2026'));
console.log('\nmedians:');
for (const target of targets) {
  const rps = med(target.name);
  const p99 = median(results.get(target.name)!.map((r) => r.p99Ms));
  const versus = target.name.startsWith('erlmcp')
    ? `  ${((rps / raw) * 100).toFixed(0)}% of raw, ${(rps / bestSdk).toFixed(1)}x best SDK`
    : '';
  console.log(
    `  ${target.name.padEnd(30)} ${Math.round(rps).toLocaleString('en-US').padStart(8)} req/s  p99 ${p99.toFixed(2)} ms${versus}`,
  );
}
console.log('targets: erlmcp >= 70% of raw node:http and >= 8x the best SDK configuration');

if (values.json) {
  const summary = {
    scenario: 'HTTP tools/call (wrk -t1 -c32)',
    unit: 'req/s',
    generator: 'wrk',
    targets: targets.map((target) => ({
      name: target.name,
      median: med(target.name),
      p50Ms: median(results.get(target.name)!.map((r) => r.p50Ms)),
      p99Ms: median(results.get(target.name)!.map((r) => r.p99Ms)),
      rounds: results.get(target.name)!.map((r) => r.requestsPerSecond),
    })),
    ratio: { label: 'erlmcp 2025 JSON / best SDK', value: med('erlmcp 2025 session, JSON') / bestSdk },
  };
  writeFileSync(values.json, JSON.stringify(summary, null, 2));
}
