import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FrameError, MessageSink, Transport } from '../../src/core/transport.js';
import { type Classified, classify, type JsonRpcMessage } from '../../src/jsonrpc/message.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { MetaKey } from '../../src/protocol/meta-keys.js';
import { LEGACY_VERSIONS } from '../../src/protocol/versions.js';
import { McpServer } from '../../src/server/mcp-server.js';
import {
  deepTextUpTo,
  hostileJson,
  idText,
  jsonTreeText,
  messageLike,
  numberText,
  parseJson,
  stableJson,
  stringText,
  TRICKY_KEYS,
} from './arbitraries.js';

const WIRE_CODES = new Set<number>(Object.values(ErrorCode));
const MODERN_VERSION = '2026-07-28';

// --- the server under test ------------------------------------------------------------------------

// Module-level schemas: compiled once (compileSchema caches by schema object), not per run.
const echoSchema = {
  type: 'object',
  properties: { message: { type: 'string' } },
  required: ['message'],
};
const addSchema = z.object({ a: z.number(), b: z.number() });
type Node = { child?: Node | undefined };
const zodTree: z.ZodType<Node> = z.lazy(() => z.object({ child: zodTree.optional() }));
const jsonTree = {
  type: 'object',
  $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } },
  properties: { child: { $ref: '#/$defs/node' } },
};

function buildServer(diagnostics: string[]): McpServer {
  const server = new McpServer({
    name: 'fuzz-core',
    version: '1.0.0',
    // Properties run back to back and block the loop for a while: no load shedding, no rate limit.
    limits: { maxEventLoopDelayMs: 60_000, rate: { perSession: false, perPrincipal: false } },
    onDiagnostic: (message, error) => diagnostics.push(`${message}${error ? `: ${String(error)}` : ''}`),
  });
  server.tool('echo', { inputSchema: echoSchema, handler: ({ message }) => `Echo: ${String(message)}` });
  server.tool<{ a: number; b: number }>('add', {
    inputSchema: addSchema,
    handler: ({ a, b }) => String(a + b),
  });
  server.tool('boom', {
    handler: () => {
      throw new Error('kaboom');
    },
  });
  server.tool('slow', {
    handler: async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return 'done';
    },
  });
  // Recursive schemas: validating deep arguments recurses (and may overflow the stack).
  server.tool('tree', { inputSchema: zodTree, handler: () => 'tree' });
  server.tool('tree-json', { inputSchema: jsonTree, handler: () => 'tree' });
  server.resource('test://static', {
    read: (uri) => ({ contents: [{ uri, text: 'static' }] }),
  });
  server.resourceTemplate('test://items/{id}', {
    read: (uri, variables) => ({ contents: [{ uri, text: `item ${String(variables.id)}` }] }),
    complete: { id: () => ['1', '2'] },
  });
  server.prompt('greet', {
    arguments: [{ name: 'who', required: true }],
    get: (args) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Hi ${args.who}` } }] }),
    complete: { who: (value) => ['alice', 'bob'].filter((n) => n.startsWith(value)) },
  });
  return server;
}

/** The test is the far side of the transport: it delivers values and reads what the server sent. */
class FuzzPeer implements Transport {
  readonly kind = 'memory';
  sink: MessageSink | undefined;
  /** What the server sent, as it would arrive on a wire (a JSON round trip: -0 becomes 0). */
  readonly sent: Record<string, unknown>[] = [];
  start(sink: MessageSink): void {
    this.sink = sink;
  }
  send(message: JsonRpcMessage): void {
    this.sent.push(JSON.parse(JSON.stringify(message)) as Record<string, unknown>);
  }
  async close(): Promise<void> {
    this.sink?.onClose();
  }
}

// --- what the fuzzer sends -----------------------------------------------------------------------

type Input = { frameError: FrameError['kind'] } | { value: unknown };

const modernMeta = {
  [MetaKey.protocolVersion]: MODERN_VERSION,
  [MetaKey.clientCapabilities]: {},
  [MetaKey.clientInfo]: { name: 'fuzz', version: '1' },
};

const hostileValue = jsonTreeText.map(parseJson);

/** `_meta`: absent, a valid 2026 envelope, or one with each key wrong or missing. */
const metaArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 5, arbitrary: fc.constant(modernMeta) },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        [MetaKey.protocolVersion]: fc.oneof(
          fc.constantFrom(MODERN_VERSION, '2025-11-25', '2099-01-01', ''),
          hostileValue,
        ),
        [MetaKey.clientCapabilities]: fc.oneof(
          fc.constant({}),
          fc.constant({ extensions: { 'io.modelcontextprotocol/tasks': {} } }),
          hostileValue,
        ),
        [MetaKey.clientInfo]: hostileValue,
        [MetaKey.logLevel]: fc.oneof(fc.constantFrom('debug', 'error', 'loud'), hostileValue),
        progressToken: fc.oneof(fc.integer(), fc.string(), hostileValue),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: hostileValue },
);

const oneOf = <T>(...values: T[]) => fc.constantFrom(...values);
const text = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...TRICKY_KEYS));
/** Mostly a plausible value, sometimes anything at all. */
const mostly = <T>(plausible: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: hostileValue });
/** A record whose fields are usually all present. */
const params = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.record(fields) },
    { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) },
  ) as fc.Arbitrary<Record<string, unknown>>;

/** Per-method params: plausible names and shapes, each field sometimes of the wrong type. */
const paramsFor: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  initialize: params({
    protocolVersion: mostly(oneOf(...LEGACY_VERSIONS, MODERN_VERSION, 'x')),
    capabilities: mostly(oneOf({}, { roots: {} }, { elicitation: {} })),
    clientInfo: mostly(fc.constant({ name: 'c', version: '1' })),
  }),
  'tools/call': fc
    .tuple(
      params({
        name: mostly(
          fc.oneof(
            { weight: 4, arbitrary: oneOf('echo', 'add', 'boom', 'slow', 'tree', 'tree-json', 'nope') },
            text,
          ),
        ),
        arguments: mostly(
          fc.oneof(
            fc.record({ message: mostly(fc.string()) }, { requiredKeys: [] }),
            fc.record({ a: mostly(fc.double()), b: fc.double() }, { requiredKeys: [] }),
            // Deep enough to overflow a recursive validator: answered -32602, never -32603.
            deepTextUpTo(20_000).map((t) => parseJson(`{"child":${t.replaceAll('"a"', '"child"')}}`)),
          ),
        ),
      }),
      fc.record(
        { task: mostly(fc.constant({})), requestState: mostly(fc.string()), inputResponses: hostileValue },
        {
          requiredKeys: [],
        },
      ),
      fc.nat(5),
    )
    .map(([call, extras, n]) => (n === 0 ? { ...call, ...extras } : call)),
  'resources/read': params({
    uri: mostly(fc.oneof(oneOf('test://static', 'test://items/42', 'test://items/', 'test://x'), text)),
  }),
  'prompts/get': params({
    name: mostly(fc.oneof({ weight: 4, arbitrary: oneOf('greet', 'nope') }, text)),
    arguments: mostly(fc.record({ who: mostly(fc.string()) }, { requiredKeys: [] })),
  }),
  'completion/complete': params({
    ref: mostly(
      fc.oneof(
        fc.record({ type: oneOf('ref/prompt'), name: mostly(oneOf('greet', 'nope')) }),
        fc.record({
          type: oneOf('ref/resource'),
          uri: mostly(oneOf('test://items/{id}', 'test://static', 'x')),
        }),
      ),
    ),
    argument: mostly(
      fc.record({
        name: fc.oneof(oneOf('who', 'id', 'constructor', 'toString', '__proto__', 'valueOf'), text),
        value: mostly(fc.string()),
      }),
    ),
    context: hostileValue,
  }),
  'logging/setLevel': params({ level: mostly(oneOf('debug', 'info', 'emergency', 'loud')) }),
  'subscriptions/listen': params({
    notifications: mostly(
      fc.record(
        {
          toolsListChanged: mostly(fc.boolean()),
          resourceSubscriptions: mostly(fc.array(fc.string(), { maxLength: 2 })),
        },
        { requiredKeys: [] },
      ),
    ),
  }),
  'notifications/cancelled': params({
    requestId: mostly(fc.integer({ min: 0, max: 20 })),
    reason: mostly(fc.string()),
  }),
};
const genericParams = fc.record(
  {
    cursor: mostly(fc.oneof(fc.string(), oneOf('bzox', Buffer.from('o:1').toString('base64url')))),
    uri: mostly(oneOf('test://static')),
    taskId: mostly(fc.string()),
  },
  { requiredKeys: [] },
);

const METHOD_POOL = [
  ...Object.keys(paramsFor),
  // The methods with the most to get wrong, twice as often.
  'tools/call',
  'resources/read',
  'prompts/get',
  'completion/complete',
  'ping',
  'tools/list',
  'resources/list',
  'resources/templates/list',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'server/discover',
  'tasks/get',
  'tasks/list',
  'tasks/cancel',
  'tasks/result',
  'tasks/update',
  'notifications/initialized',
  'notifications/progress',
  'no/such',
  'constructor',
  '__proto__',
];

/** A structured message: a request (odd ids included) or notification of a real method. */
const structured = (meta: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc
    .constantFrom(...METHOD_POOL)
    .chain((method) =>
      fc.tuple(
        fc.constant(method),
        Object.hasOwn(paramsFor, method) ? paramsFor[method]! : genericParams,
        meta,
        fc.oneof(
          { weight: 4, arbitrary: fc.integer({ min: 0, max: 20 }).map(String) },
          { weight: 2, arbitrary: idText },
        ),
        fc.boolean(),
      ),
    )
    .map(([method, params, meta, id, asNotification]) => {
      const withMeta = meta === undefined ? params : { ...params, _meta: meta };
      // Built as text and parsed, as a transport would deliver it (odd id literals survive).
      const members = [
        `"jsonrpc":"2.0"`,
        `"method":${JSON.stringify(method)}`,
        `"params":${stableJson(withMeta)}`,
      ];
      if (!(asNotification || method.startsWith('notifications/'))) members.push(`"id":${id}`);
      return parseJson(`{${members.join(',')}}`);
    });

const inputWith = (meta: fc.Arbitrary<unknown>): fc.Arbitrary<Input> =>
  fc.oneof(
    { weight: 8, arbitrary: structured(meta).map((value) => ({ value })) },
    { weight: 2, arbitrary: messageLike.map((value) => ({ value })) },
    { weight: 1, arbitrary: hostileJson.map((value) => ({ value })) },
    {
      weight: 1,
      arbitrary: oneOf<FrameError['kind']>('invalid_json', 'invalid_utf8', 'message_too_large').map((k) => ({
        frameError: k,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(numberText, stringText).map(([code, message]) => ({
        value: JSON.parse(`{"jsonrpc":"2.0","id":1,"error":{"code":${code},"message":${message}}}`),
      })),
    },
  );

/** Both eras: no `_meta` (2025 session), a 2026 envelope, or a broken one. */
const mixedInput = inputWith(metaArb);

/** 2026 only: a valid envelope every time, with odd progress tokens, log levels and client info. */
const modernInput = inputWith(
  fc
    .record(
      {
        progressToken: mostly(fc.oneof(fc.integer(), fc.string())),
        [MetaKey.logLevel]: mostly(oneOf('debug', 'error', 'emergency', 'loud')),
        [MetaKey.clientInfo]: hostileValue,
        [MetaKey.clientCapabilities]: mostly(
          oneOf({}, { elicitation: {} }, { extensions: { 'io.modelcontextprotocol/tasks': {} } }),
        ),
      },
      { requiredKeys: [] },
    )
    .map((extra) => ({ ...modernMeta, ...extra })),
);

// --- driving and checking ------------------------------------------------------------------------

const STATS = new Map<string, number>();
/** `FUZZ_STATS=1` prints how often each method got each answer: a check that the fuzzer gets deep. */
afterAll(() => {
  if (!process.env.FUZZ_STATS) return;
  console.log(
    [...STATS]
      .sort()
      .map(([key, n]) => `${key}: ${n}`)
      .join('\n'),
  );
});
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const norm = (id: unknown) => JSON.parse(JSON.stringify(id)) as unknown;
const isResponse = (m: Record<string, unknown>) => !('method' in m);

/** Every message the server sends is well-formed; responses have exactly one of result and error. */
function checkWellFormed(message: Record<string, unknown>): void {
  expect(message.jsonrpc).toBe('2.0');
  if (!isResponse(message)) {
    // Server → client: notifications only (no tool here asks the client anything).
    expect(typeof message.method).toBe('string');
    expect('id' in message, JSON.stringify(message)).toBe(false);
    return;
  }
  expect('result' in message !== 'error' in message, JSON.stringify(message)).toBe(true);
  if ('error' in message) {
    const error = message.error as Record<string, unknown>;
    expect(
      Number.isInteger(error.code) && WIRE_CODES.has(error.code as number),
      JSON.stringify(message),
    ).toBe(true);
    // Bad input is answered by a protocol error, never by an internal failure.
    expect(error.code, JSON.stringify(message)).not.toBe(ErrorCode.InternalError);
    expect(typeof error.message).toBe('string');
  } else {
    expect(
      typeof message.result === 'object' && message.result !== null && !Array.isArray(message.result),
    ).toBe(true);
  }
}

/** Sends one input and checks what it gets: one answer per request, none for the rest. */
async function exchange(peer: FuzzPeer, item: Input): Promise<void> {
  const before = peer.sent.length;
  let verdict: Classified | undefined;
  if ('frameError' in item) peer.sink?.onFrameError({ kind: item.frameError, message: 'fuzz' });
  else {
    verdict = classify(item.value);
    peer.sink?.onMessage(item.value);
  }
  const responses = () => peer.sent.slice(before).filter(isResponse);
  const isRequest = verdict?.kind === 'request';
  const listen =
    isRequest && verdict?.kind === 'request' && verdict.message.method === 'subscriptions/listen';
  // Wait for the answer: synchronous and promise-based handlers answer within a few turns, timers
  // need real time. A 2026 subscriptions/listen may stay open: it gets a short wait only.
  const patience = listen ? 50 : 3_000;
  const started = Date.now();
  for (let turn = 0; isRequest && responses().length === 0 && Date.now() - started < patience; turn++) {
    await (turn < 20 ? tick() : new Promise((resolve) => setTimeout(resolve, 2)));
  }
  await tick();
  await tick();
  for (const message of peer.sent.slice(before)) checkWellFormed(message);
  if (process.env.FUZZ_STATS && verdict?.kind === 'request') {
    const r = peer.sent.slice(before).filter(isResponse)[0];
    const error = r && 'error' in r ? (r.error as { code: number; message: string }) : undefined;
    const outcome = r ? (error ? `${error.code} ${error.message.slice(0, 50)}` : 'ok') : 'none';
    const key = `${verdict.message.method} ${outcome}`;
    STATS.set(key, (STATS.get(key) ?? 0) + 1);
  }
  const got = responses();
  // Iterative serialisation: the input may nest deeper than JSON.stringify can recurse.
  const shown = () =>
    `input ${stableJson('value' in item ? item.value : item).slice(0, 1500)} got ${JSON.stringify(got)}`;
  if (verdict?.kind === 'request') {
    const id = norm(verdict.message.id);
    // A 2026 subscriptions/listen stays open: no answer until it ends.
    if (listen && got.length === 0) return;
    expect(got, shown()).toHaveLength(1);
    expect(got[0]!.id, shown()).toEqual(id);
  } else if (verdict === undefined || verdict.kind === 'invalid') {
    expect(got, shown()).toHaveLength(1);
    const error = got[0]!.error as { code: number };
    expect([ErrorCode.ParseError, ErrorCode.InvalidRequest], shown()).toContain(error.code);
    // An unreadable message is answered with id null, or with the message's own valid id.
    expect(got[0]!.id === null || (verdict !== undefined && got[0]!.id === norm(verdict.id)), shown()).toBe(
      true,
    );
  } else {
    // Notifications and responses from the client are never answered.
    expect(got, shown()).toHaveLength(0);
  }
}

async function call(peer: FuzzPeer, message: Record<string, unknown>): Promise<Record<string, unknown>> {
  const before = peer.sent.length;
  peer.sink?.onMessage(message);
  for (
    let i = 0;
    i < 500 && !peer.sent.slice(before).some((m) => m.id === message.id && isResponse(m));
    i++
  ) {
    await new Promise((r) => setTimeout(r, 1));
  }
  const answer = peer.sent.slice(before).find((m) => m.id === message.id && isResponse(m));
  expect(answer, `no answer to ${JSON.stringify(message)}`).toBeDefined();
  return answer!;
}

const echoCall = (id: string, meta?: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'echo', arguments: { message: 'still here' }, ...(meta ? { _meta: meta } : {}) },
});
const initialize = (id: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } },
});

function expectEcho(answer: Record<string, unknown>): void {
  expect(answer.error, JSON.stringify(answer)).toBeUndefined();
  const result = answer.result as { content: { text: string }[]; isError?: boolean };
  expect(result.isError).not.toBe(true);
  expect(result.content[0]!.text).toBe('Echo: still here');
}

/**
 * One run: a fresh server, maybe a 2025 session first, the fuzzed messages one by one (each checked
 * as it is answered), then ordinary calls on the same connection and on a new one.
 */
const property = (input: fc.Arbitrary<Input>, initOutOf4: number) =>
  fc.asyncProperty(fc.nat(3), fc.array(input, { minLength: 4, maxLength: 16 }), async (init, inputs) => {
    const diagnostics: string[] = [];
    const server = buildServer(diagnostics);
    const peer = new FuzzPeer();
    await server.connect(peer);
    const other = new FuzzPeer();
    try {
      if (init < initOutOf4) {
        expect((await call(peer, initialize('init'))).result).toBeDefined();
        peer.sink?.onMessage({ jsonrpc: '2.0', method: 'notifications/initialized' });
      }
      for (const item of inputs) await exchange(peer, item);

      // The same connection still serves: 2026 always, 2025 when a session was opened.
      expectEcho(await call(peer, echoCall('after-modern', modernMeta)));
      const initialized = peer.sent.some(
        (m) => isResponse(m) && 'result' in m && 'serverInfo' in (m.result as object),
      );
      const legacy = await call(peer, echoCall('after-legacy'));
      if (initialized) expectEcho(legacy);
      else expect((legacy.error as { code: number }).code).toBe(ErrorCode.InvalidParams);

      // And another connection to the same server is unaffected.
      await server.connect(other);
      expect((await call(other, initialize('init-2'))).result).toBeDefined();
      other.sink?.onMessage({ jsonrpc: '2.0', method: 'notifications/initialized' });
      expectEcho(await call(other, echoCall('other-legacy')));
      expectEcho(await call(other, echoCall('other-modern', modernMeta)));

      // Nothing the fuzzer sent made a handler fail unexpectedly.
      expect(
        diagnostics.filter((d) => d.includes('failed')),
        diagnostics.join('\n'),
      ).toEqual([]);
    } finally {
      await server.destroy();
    }
  });

describe('server core over an in-memory transport (fuzz)', () => {
  it('answers every request once and nothing else, never fails internally, and keeps serving', async () => {
    // A 2025 session first in 3 runs out of 4, then messages of both eras.
    await fc.assert(property(mixedInput, 3), { numRuns: 400 });
  });

  it('2026 era: the same with a valid _meta envelope on every request and no session', async () => {
    await fc.assert(property(modernInput, 0), { numRuns: 250 });
  });
});
