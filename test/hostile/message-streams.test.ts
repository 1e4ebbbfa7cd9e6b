/**
 * Hostile clients on the message-stream transports: WebSocket and TCP (servers in this process) and
 * stdio (`erlmcp serve` as a child process, one process per connection). Each bad input gets its
 * documented answer (docs/errors.md, docs/limits.md), nothing leaks into the server process, and a
 * normal request right after is served: on the same connection where it survives, else on a new one.
 */
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { McpServer } from '../../src/server/mcp-server.js';
import { serveTcp } from '../../src/transports/tcp/serve-tcp.js';
import { serveWebSocket } from '../../src/transports/websocket/serve-websocket.js';
import { BARE_MODERN_META } from '../support/server-harness.js';
import { type Probe, prototypeChanges, registerHostileTools, type ToolStats } from './hostile-tools.mjs';
import {
  DEEP_ARRAYS,
  DEEP_OBJECTS,
  MALFORMED_MESSAGES,
  POLLUTING_MEMBERS,
  POLLUTING_META,
  paddedList,
  rawCall,
} from './payloads.js';
import { type RawPeer, StdioPeer, TcpPeer, WsPeer, within } from './raw-peers.js';

/** The documented default `maxMessageBytes` of every message-stream transport (docs/limits.md). */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

interface Served {
  connect(): Promise<RawPeer>;
  /** The server when it runs in this process (stdio's lives in the child, gone with its client). */
  local?: { mcp: McpServer; stats: ToolStats; connections(): Promise<number> };
  stop(): Promise<void>;
}

interface StreamKind {
  name: string;
  serve(): Promise<Served>;
  /** WebSocket closes the connection with these codes; the ndjson transports answer and go on. */
  closes?: { oversize: number; invalidUtf8: number };
}

function hostileMcp() {
  // No shedding on event-loop delay: parsing 100,000 levels takes a while on a busy test machine.
  const mcp = new McpServer({
    name: 'hostile',
    version: '1.0.0',
    onDiagnostic: () => {},
    limits: { maxEventLoopDelayMs: 0 },
  });
  return { mcp, stats: registerHostileTools(mcp) };
}

const KINDS: StreamKind[] = [
  {
    name: 'WebSocket',
    closes: { oversize: 1009, invalidUtf8: 1007 },
    async serve() {
      const { mcp, stats } = hostileMcp();
      const handle = await serveWebSocket(mcp, { port: 0 });
      return {
        async connect() {
          const peer = new WsPeer(handle.url);
          await peer.connected;
          return peer;
        },
        local: { mcp, stats, connections: async () => handle.connectionCount },
        stop: () => handle.destroy(),
      };
    },
  },
  {
    name: 'TCP',
    async serve() {
      const { mcp, stats } = hostileMcp();
      const handle = await serveTcp(mcp, { port: 0 });
      const server = handle.server;
      return {
        async connect() {
          const peer = new TcpPeer(handle.url);
          await peer.connected;
          return peer;
        },
        local: { mcp, stats, connections: promisify(server.getConnections.bind(server)) },
        stop: () => handle.destroy(),
      };
    },
  },
  {
    name: 'stdio (erlmcp serve)',
    async serve() {
      return { connect: async () => new StdioPeer(), stop: async () => {} };
    },
  },
];

const MODERN_LOGGING_META = { 'io.modelcontextprotocol/logLevel': 'info' };

/** A 2025-session tools/call (after `initialize` on the same connection). */
function sessionCall(peer: RawPeer, id: string | number, name: string, args: Record<string, unknown> = {}) {
  peer.send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
}

function text(message: { result?: { content?: { text?: string }[] } }): string | undefined {
  return message.result?.content?.map((block) => block.text).join('|');
}

async function expectServed(peer: RawPeer, id: string | number): Promise<void> {
  peer.call(id, 'echo', { message: 'still here' });
  const answer = await peer.reply(id);
  expect(answer.error).toBeUndefined();
  expect(text(answer)).toBe('Echo: still here');
}

async function probe(peer: RawPeer, id: string | number): Promise<Probe> {
  peer.call(id, 'probe');
  return JSON.parse(text(await peer.reply(id)) ?? '{}') as Probe;
}

describe.each(KINDS)('$name: hostile clients', (kind) => {
  let served: Served;
  const peers: RawPeer[] = [];
  const connect = async () => {
    const peer = await served.connect();
    peers.push(peer);
    return peer;
  };

  beforeAll(async () => {
    served = await kind.serve();
  });
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((peer) => peer.close()));
  });
  afterAll(async () => {
    await served?.stop();
  });

  /** After a test: nothing running, no session and no connection left behind in the server. */
  async function expectNothingLeft(): Promise<void> {
    const local = served.local;
    if (!local) return;
    const supervisor = local.mcp.core.supervisor;
    const deadline = Date.now() + 3000;
    while (
      (supervisor.inFlight !== 0 || supervisor.sessions !== 0 || (await local.connections()) !== 0) &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect({
      inFlight: supervisor.inFlight,
      sessions: supervisor.sessions,
      connections: await local.connections(),
    }).toEqual({ inFlight: 0, sessions: 0, connections: 0 });
  }

  it('answers garbage, wrong versions, non-objects and bad ids with -32700/-32600, keeping the connection', async () => {
    const peer = await connect();
    const bareMeta = JSON.stringify(BARE_MODERN_META);
    // Besides what every transport refuses: what only a message stream can receive (an array is a
    // batch over HTTP), more bad ids, and requests that are well-formed but cannot be served.
    const cases: (typeof MALFORMED_MESSAGES)[number][] = [
      ...MALFORMED_MESSAGES,
      ['true', ErrorCode.InvalidRequest, null],
      ['[]', ErrorCode.InvalidRequest, null],
      ['[{"jsonrpc":"2.0","id":4,"method":"tools/list"}]', ErrorCode.InvalidRequest, null],
      ['{"jsonrpc":"2.0","id":{"x":1},"method":"tools/list"}', ErrorCode.InvalidRequest, null],
      ['{"jsonrpc":"2.0","id":true,"method":"tools/list"}', ErrorCode.InvalidRequest, null],
      ['{"jsonrpc":"2.0","id":6,"method":""}', ErrorCode.InvalidRequest, 6],
      ['{"jsonrpc":"2.0","id":8}', ErrorCode.InvalidRequest, 8],
      [
        `{"jsonrpc":"2.0","id":9,"method":"no/such","params":{"_meta":${bareMeta}}}`,
        ErrorCode.MethodNotFound,
        9,
      ],
      // A 2025-era request before initialize.
      ['{"jsonrpc":"2.0","id":10,"method":"tools/list"}', ErrorCode.InvalidParams, 10],
    ];
    const from = peer.received.length;
    for (const [frame] of cases) {
      peer.frame(frame);
      // An unknown notification gets no answer at all.
      peer.frame('{"jsonrpc":"2.0","method":"notifications/made-up","params":{"x":1}}');
    }
    const answers = await peer.next(cases.length, from);
    expect(answers.map((answer) => [answer.error?.code, answer.id])).toEqual(
      cases.map(([, code, id]) => [code, id]),
    );
    expect(answers.every((answer) => answer.result === undefined)).toBe(true);
    expect(peer.open).toBe(true);
    await expectServed(peer, 'after');
    // Nothing else was sent: no answer to notifications, nothing twice.
    expect(peer.received.length).toBe(from + cases.length + 1);
    await peer.close();
    await expectNothingLeft();
  });

  it('deep nesting (100,000 levels): a precise answer or error per case, never a crash or silence', async () => {
    const peer = await connect();
    // A string was expected: ajv says so at the first level (a tool input error is an isError result).
    peer.frame(rawCall(1, 'echo', `{"message":${DEEP_ARRAYS}}`));
    // A recursive schema walks the nesting and overflows the stack: the params are to blame.
    peer.frame(rawCall(2, 'tree', `{"tree":${DEEP_ARRAYS}}`));
    // The tool returns what it was given: the result cannot be serialised.
    peer.frame(rawCall(3, 'mirror', `{"deep":${DEEP_OBJECTS}}`));
    // The same after a log notification (the response then goes out in a later turn).
    peer.frame(
      rawCall(4, 'mirror-logged', `{"deep":${DEEP_ARRAYS}}`, {
        meta: JSON.stringify({ ...BARE_MODERN_META, ...MODERN_LOGGING_META }),
      }),
    );
    // Depth nobody reads is no error.
    const deepMeta = `{${JSON.stringify(BARE_MODERN_META).slice(1, -1)},"deep":${DEEP_ARRAYS}}`;
    peer.frame(
      `{"jsonrpc":"2.0","id":5,"method":"tools/list","params":{"_meta":${deepMeta},"x":${DEEP_OBJECTS}}}`,
    );
    // A whole message that is only nesting, and a deep id.
    const from = peer.received.length;
    peer.frame(DEEP_ARRAYS);
    peer.frame(DEEP_OBJECTS);
    peer.frame(`{"jsonrpc":"2.0","id":${DEEP_ARRAYS},"method":"tools/list"}`);

    const echo = await peer.reply(1);
    expect(echo.result?.isError).toBe(true);
    expect(text(echo)).toBe('Invalid arguments for tool echo: message: must be string');
    expect((await peer.reply(2)).error).toEqual({
      code: ErrorCode.InvalidParams,
      message: 'params.arguments nests too deeply to be processed (over 256 levels)',
    });
    const unserializable = {
      code: ErrorCode.InternalError,
      message: 'Internal error: the result could not be serialized',
    };
    expect((await peer.reply(3)).error).toEqual(unserializable);
    expect((await peer.reply(4)).error).toEqual(unserializable);
    expect(peer.received.some((message) => message.method === 'notifications/message')).toBe(true);
    const listed = await peer.reply(5);
    expect((listed.result?.tools as unknown[] | undefined)?.length).toBe(7);
    await peer.waitFor(
      () => peer.received.filter((message) => message.id === null).length >= 3,
      'three errors',
    );
    expect(
      peer.received
        .slice(from)
        .filter((message) => message.id === null)
        .map((message) => [message.error?.code, message.error?.message]),
    ).toEqual([
      [ErrorCode.InvalidRequest, 'Invalid request: Batches are not supported'],
      [ErrorCode.InvalidRequest, 'Invalid request: jsonrpc must be "2.0"'],
      [ErrorCode.InvalidRequest, 'Invalid request: id must be a string or an integer'],
    ]);
    await expectServed(peer, 'after');
    await peer.close();
    await expectNothingLeft();
  });

  it('prototype-pollution keys in params, arguments, _meta and capabilities pollute nothing', async () => {
    const peer = await connect();
    // Polluting keys everywhere around a valid call: it is answered as if they were not there.
    peer.frame(
      rawCall(1, 'echo', `{"message":"hi",${POLLUTING_MEMBERS}}`, {
        meta: POLLUTING_META,
        extraParams: POLLUTING_MEMBERS,
      }),
    );
    // `__proto__.message` does not supply the required `message`.
    peer.frame(rawCall(2, 'echo', `{${POLLUTING_MEMBERS}}`));
    // A tool that returns its arguments returns them as given, own keys and all.
    peer.frame(rawCall(3, 'mirror', `{${POLLUTING_MEMBERS}}`));
    // A capability or a log level behind `__proto__` is not declared.
    const protoCaps =
      '{"__proto__":{"elicitation":{"form":{}}},"constructor":{"prototype":{"elicitation":{}}}}';
    const meta = (members: string) => `{${JSON.stringify(BARE_MODERN_META).slice(1, -1)},${members}}`;
    peer.frame(
      rawCall(4, 'asks', '{}', { meta: meta(`"io.modelcontextprotocol/clientCapabilities":${protoCaps}`) }),
    );
    const first = await peer.reply(1);
    expect([text(first), first.result?.isError]).toEqual(['Echo: hi', undefined]);
    const missing = await peer.reply(2);
    expect([text(missing), missing.result?.isError]).toEqual([
      'Invalid arguments for tool echo: message: is required',
      true,
    ]);
    const mirrored = await peer.reply(3);
    expect(JSON.stringify(mirrored.result?.structuredContent)).toBe(`{${POLLUTING_MEMBERS}}`);
    const asked = await peer.reply(4);
    expect(asked.error?.code).toBe(ErrorCode.MissingRequiredClientCapability);

    const logsFrom = peer.received.length;
    peer.frame(
      rawCall(5, 'mirror-logged', '{}', {
        meta: meta('"__proto__":{"io.modelcontextprotocol/logLevel":"debug"}'),
      }),
    );
    expect(text(await peer.reply(5))).toBe('mirrored');
    // No log level was set, so no log notification was sent.
    expect(peer.received.slice(logsFrom).map((message) => message.method ?? message.id)).toEqual([5]);

    // 2025: the same keys in initialize's capabilities and clientInfo.
    peer.frame(
      `{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":${protoCaps},"clientInfo":{"name":"hostile","version":"1",${POLLUTING_MEMBERS}},${POLLUTING_MEMBERS}}}`,
    );
    expect((await peer.reply('init')).result?.protocolVersion).toBe('2025-11-25');
    peer.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    sessionCall(peer, 6, 'asks');
    expect((await peer.reply(6)).error?.code).toBe(ErrorCode.MissingRequiredClientCapability);

    expect((await probe(peer, 7)).changes).toEqual([]);
    if (served.local) expect(prototypeChanges()).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expectServed(peer, 'after');
    await peer.close();
    await expectNothingLeft();
  });

  it('a duplicate in-flight id gets -32600; the first request is still answered, and the id is free again after', async () => {
    const peer = await connect();
    await peer.initialize();
    const from = peer.received.length;
    sessionCall(peer, 7, 'slow', { ms: 300 });
    sessionCall(peer, 7, 'echo', { message: 'duplicate' });
    // "7" is another id than 7.
    sessionCall(peer, '7', 'slow', { ms: 300 });
    const answers = await peer.next(3, from);
    expect(answers[0]).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: ErrorCode.InvalidRequest, message: 'Request id 7 is already in flight' },
    });
    const rest = answers.slice(1).map((answer) => [answer.id, text(answer)]);
    expect(rest).toHaveLength(2);
    expect(rest).toEqual(
      expect.arrayContaining([
        [7, 'slept'],
        ['7', 'slept'],
      ]),
    );
    sessionCall(peer, 7, 'echo', { message: 'again' });
    await peer.next(4, from);
    expect(text(peer.received[from + 3]!)).toBe('Echo: again');
    await peer.close();
    await expectNothingLeft();
  });

  it('ignores responses to requests the server never sent, even one for the id its next request gets', async () => {
    const peer = await connect();
    await peer.initialize({ elicitation: { form: {} } });
    const from = peer.received.length;
    // The server numbers its own requests from 1: a forged answer sent ahead must not count.
    peer.send({ jsonrpc: '2.0', id: 1, result: { action: 'accept', content: { name: 'forged' } } });
    peer.send({ jsonrpc: '2.0', id: 'ghost', error: { code: -32000, message: 'nobody asked' } });
    peer.send({ jsonrpc: '2.0', id: null, error: { code: ErrorCode.ParseError, message: 'unprompted' } });
    peer.send({ jsonrpc: '2.0', id: 424242, result: {} });
    sessionCall(peer, 'asks', 'asks');
    const [question] = await peer.next(1, from);
    expect(question).toMatchObject({ method: 'elicitation/create', id: 1 });
    peer.send({ jsonrpc: '2.0', id: question?.id, result: { action: 'decline' } });
    expect(text(await peer.reply('asks'))).toBe('got decline');
    expect(peer.received.length).toBe(from + 2);
    await expectServed(peer, 'after');
    await peer.close();
    await expectNothingLeft();
  });

  it('a message over maxMessageBytes (4 MiB): the documented refusal; one of exactly 4 MiB is served', async () => {
    const peer = await connect();
    peer.frame(paddedList(1, MAX_MESSAGE_BYTES));
    expect((await peer.reply(1, 10_000)).result?.tools).toHaveLength(7);
    const from = peer.received.length;
    if (kind.closes) {
      peer.frame(paddedList(2, MAX_MESSAGE_BYTES + 1));
      expect(await within(peer.ended, 5000, 'close')).toBe(kind.closes.oversize);
      await expectServed(await connect(), 'after');
    } else {
      // Streamed in 1 MiB pieces, as a real flood arrives: the line is dropped up to its newline.
      const line = paddedList(2, MAX_MESSAGE_BYTES + 1);
      for (let at = 0; at < line.length; at += 1024 * 1024) peer.raw(line.slice(at, at + 1024 * 1024));
      peer.raw('\n');
      const [refusal] = await peer.next(1, from, 10_000);
      expect(refusal).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: {
          code: ErrorCode.InvalidRequest,
          message: `Message exceeds the limit of ${MAX_MESSAGE_BYTES} bytes`,
        },
      });
      await expectServed(peer, 'after');
    }
  });

  it('malformed UTF-8: the documented refusal; a character split across writes is fine', async () => {
    const peer = await connect();
    const framed = (id: number, message: Buffer) =>
      Buffer.concat([
        Buffer.from(
          `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"echo","arguments":{"message":"`,
        ),
        message,
        Buffer.from(`"},"_meta":${JSON.stringify(BARE_MODERN_META)}}}`),
      ]);
    const invalid = [
      Buffer.from([0xff]), // never valid
      Buffer.from([0xc0, 0xaf]), // overlong '/'
      Buffer.from([0xed, 0xa0, 0x80]), // a UTF-16 surrogate
      Buffer.from([0xe2, 0x82]), // truncated '€'
    ];
    const valid = framed(9, Buffer.from('€uro ✓'));
    const split = valid.indexOf(0xe2) + 1; // inside '€'
    const parseError = {
      jsonrpc: '2.0',
      id: null,
      error: { code: ErrorCode.ParseError, message: 'Parse error: message is not valid UTF-8' },
    };
    if (kind.closes) {
      // Each sample on its own connection: the parse error every transport gives, then RFC 6455's close.
      for (const [index, bytes] of invalid.entries()) {
        const victim = index === 0 ? peer : await connect();
        victim.frame(framed(index + 1, bytes));
        expect(await within(victim.ended, 5000, 'close')).toBe(kind.closes.invalidUtf8);
        expect(victim.received).toEqual([parseError]);
      }
      // A text message fragmented inside a character is valid once reassembled.
      const next = await connect();
      const ws = (next as WsPeer).ws;
      ws.send(valid.subarray(0, split), { binary: false, fin: false });
      ws.send(valid.subarray(split), { binary: false, fin: true });
      expect(text(await next.reply(9))).toBe('Echo: €uro ✓');
      return;
    }
    const from = peer.received.length;
    for (const [index, bytes] of invalid.entries()) peer.frame(framed(index + 1, bytes));
    expect(await peer.next(invalid.length, from)).toEqual(invalid.map(() => parseError));
    peer.raw(valid.subarray(0, split));
    await new Promise((resolve) => setTimeout(resolve, 20));
    peer.raw(Buffer.concat([valid.subarray(split), Buffer.from('\n')]));
    expect(text(await peer.reply(9))).toBe('Echo: €uro ✓');
    expect(peer.open).toBe(true);
  });

  it('a client gone in the middle of a message: its session ends, the server serves the next one', async () => {
    const peer = await connect();
    await peer.initialize();
    const from = peer.received.length;
    const half = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ec';
    if (peer instanceof WsPeer) {
      // A masked text frame announcing 100 bytes, of which 10 arrive.
      peer.raw(Buffer.concat([Buffer.from([0x81, 0x80 | 100, 1, 2, 3, 4]), Buffer.from(half.slice(0, 10))]));
      await new Promise((resolve) => setTimeout(resolve, 50));
      peer.vanish();
    } else if (peer instanceof TcpPeer) {
      peer.raw(half);
      peer.end(); // FIN mid-line: the server reads the end of its input
    } else {
      peer.raw(half);
      peer.vanish();
    }
    const ended = await within(peer.ended, 5000, 'the connection to end');
    if (peer instanceof StdioPeer) {
      // The unfinished last line is answered before the process exits cleanly.
      expect(ended).toBe(0);
      expect(peer.received.slice(from).map((message) => [message.id, message.error?.code])).toEqual([
        [null, ErrorCode.ParseError],
      ]);
    }
    await expectNothingLeft();
    await expectServed(await connect(), 'after');
  });

  it('a client gone while a slow tool runs: the handler is aborted, counters return to 0', async () => {
    const peer = await connect();
    await peer.initialize();
    const abortedBefore = served.local?.stats.aborted ?? 0;
    sessionCall(peer, 'slow', 'slow', { ms: 10_000 });
    let seen: Probe | undefined;
    for (let attempt = 0; attempt < 50 && seen?.inFlight !== 1; attempt++)
      seen = await probe(peer, `probe-${attempt}`);
    expect(seen).toMatchObject({ inFlight: 1, sessions: 1 });
    peer.vanish();
    const ended = await within(peer.ended, 3000, 'the connection to end');
    if (peer instanceof StdioPeer) expect(ended).toBe(0); // without waiting out the 10 s tool
    const local = served.local;
    if (local) {
      await peer.waitFor(() => local.stats.aborted === abortedBefore + 1, 'the handler aborted', 3000);
      await expectNothingLeft();
    }
    await expectServed(await connect(), 'after');
  });
});
