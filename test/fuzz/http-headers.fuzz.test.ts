import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { McpError } from '../../src/jsonrpc/errors.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { MetaKey } from '../../src/protocol/meta-keys.js';
import { McpServer } from '../../src/server/mcp-server.js';
import { fetchHandler } from '../../src/transports/http/fetch-adapter.js';
import { mcpNameSource } from '../../src/transports/http/mcp-name.js';
import { checkModernHeaders, decodeHeaderValue } from '../../src/transports/http/modern-headers.js';
import { acceptsBoth } from '../../src/transports/http/request-headers.js';
import { collectParamHeaders } from '../../src/transports/http/x-mcp-header.js';
import { deepTextUpTo, jsonTreeText, METHODS, parseJson, TRICKY_KEYS } from './arbitraries.js';

type Headers = Record<string, string | string[] | undefined>;

const VERSION = '2026-07-28';
const WIRE_CODES = new Set<number>(Object.values(ErrorCode));

// The synchronous properties below block the event loop for a while: no load shedding here.
const server = new McpServer({
  name: 'fuzz-headers',
  version: '1.0.0',
  onDiagnostic: () => {},
  limits: { maxEventLoopDelayMs: 60_000 },
});
server.tool('lookup', {
  inputSchema: {
    type: 'object',
    properties: {
      region: { type: 'string', 'x-mcp-header': 'Region' },
      count: { type: 'integer', 'x-mcp-header': 'Count' },
      flag: { type: 'boolean', 'x-mcp-header': 'Flag' },
      where: { type: 'object', properties: { zone: { type: 'string', 'x-mcp-header': 'Zone' } } },
      query: { type: 'string' },
    },
  },
  handler: () => 'ok',
});
// Properties whose names are Object.prototype members: an absent one must not demand its header.
server.tool('proto', {
  inputSchema: {
    type: 'object',
    properties: {
      constructor: { type: 'string', 'x-mcp-header': 'Ctor' },
      toString: { type: 'string', 'x-mcp-header': 'ToStr' },
      valueOf: { type: 'string', 'x-mcp-header': 'ValueOf' },
    },
  },
  handler: () => 'ok',
});
server.tool('héllo wörld', { handler: () => 'ok' });
const core = server.core;
afterAll(() => server.close());

/** Runs the check; returns the McpError it threw, or undefined. Anything else thrown fails the test. */
function verdict(headers: Headers, method: string, params: Record<string, unknown>): McpError | undefined {
  try {
    checkModernHeaders(core, headers, method, params);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(ErrorCode.HeaderMismatch);
    return error as McpError;
  }
}

// --- how a conforming client writes header values (2026-07-28 Streamable HTTP, "Value Encoding") --

const SAFE = /^[\x20-\x7e\t]*$/;
function encodeValue(value: string): string {
  const plainSafe =
    SAFE.test(value) && value.trim() === value && !(value.startsWith('=?base64?') && value.endsWith('?='));
  return plainSafe ? value : `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

function conformingHeaders(method: string, params: Record<string, unknown>): Headers {
  const headers: Headers = { 'mcp-protocol-version': VERSION, 'mcp-method': method };
  const source = mcpNameSource(method);
  if (source && typeof params[source] === 'string') headers['mcp-name'] = encodeValue(params[source]);
  return headers;
}

const meta = { [MetaKey.protocolVersion]: VERSION, [MetaKey.clientCapabilities]: {} };

// --- arbitraries ---------------------------------------------------------------------------------

/** Well-formed Unicode strings (what a client can send as UTF-8), with header-unsafe characters. */
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom(' padded ', 'line1\nline2', '=?base64?literal?=', '', '\t', 'é', '世界', '=?base64?', '?='),
);

const lookupArgs = fc.record(
  {
    region: text,
    count: fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
    flag: fc.boolean(),
    where: fc.record({ zone: text }, { requiredKeys: [] }),
    query: text,
  },
  { requiredKeys: [] },
);

function lookupHeaders(args: Record<string, unknown>): Headers {
  const headers = conformingHeaders('tools/call', { name: 'lookup' });
  if (typeof args.region === 'string') headers['mcp-param-region'] = encodeValue(args.region);
  if (typeof args.count === 'number') headers['mcp-param-count'] = String(args.count);
  if (typeof args.flag === 'boolean') headers['mcp-param-flag'] = String(args.flag);
  const zone = (args.where as { zone?: unknown } | undefined)?.zone;
  if (typeof zone === 'string') headers['mcp-param-zone'] = encodeValue(zone);
  return headers;
}

/** Header values a hostile client may send: raw bytes as latin1, broken sentinels, arrays. */
const headerValue: fc.Arbitrary<string | string[] | undefined> = fc.oneof(
  fc.constant(undefined),
  text,
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom(
    VERSION,
    '2025-11-25',
    'tools/call',
    'lookup',
    '=?base64?=?=',
    '=?base64?!!!?=',
    '=?base64?/w==?=',
  ),
  fc.uint8Array({ maxLength: 8 }).map((b) => `=?base64?${Buffer.from(b).toString('base64')}?=`),
  fc.array(text, { minLength: 1, maxLength: 2 }),
);

const HEADER_NAMES = [
  'mcp-protocol-version',
  'mcp-method',
  'mcp-name',
  'mcp-param-region',
  'mcp-param-count',
  'mcp-param-flag',
  'mcp-param-zone',
  'mcp-param-ctor',
];

const hostileHeaders: fc.Arbitrary<Headers> = fc
  .record(
    {
      'mcp-protocol-version': headerValue,
      'mcp-method': headerValue,
      'mcp-name': headerValue,
      'mcp-param-region': headerValue,
      'mcp-param-count': headerValue,
      'mcp-param-flag': headerValue,
      'mcp-param-zone': headerValue,
      'mcp-param-ctor': headerValue,
    },
    { requiredKeys: [] },
  )
  .map((h) => h as Headers);

const hostileMethod = fc.oneof(fc.constantFrom(...METHODS), fc.constantFrom(...TRICKY_KEYS), fc.string());

/** Params: hostile JSON trees, with the fields the check reads given odd types often. */
const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  jsonTreeText.map((t) => JSON.parse(t) as unknown),
  fc.constantFrom('lookup', 'proto', 'héllo wörld', 'file:///x'),
  fc
    .constantFrom('{"toString":1}', '{"valueOf":{},"toString":{}}', '[{}]', '{"__proto__":{"x":1}}')
    .map((t) => JSON.parse(t) as unknown),
);
const hostileParams: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.record(
      { name: fieldValue, uri: fieldValue, taskId: fieldValue, arguments: fc.oneof(fieldValue, lookupArgs) },
      { requiredKeys: [] },
    ),
    fc.oneof(
      fc.constant(meta),
      fieldValue,
      fc.record({ [MetaKey.protocolVersion]: fieldValue }),
      fc.constant(undefined),
    ),
  )
  .map(([params, m]) => (m === undefined ? params : { ...params, _meta: m }));

// --- properties ----------------------------------------------------------------------------------

describe('checkModernHeaders (fuzz)', () => {
  it('throws nothing but McpError(HeaderMismatch) for any headers and params, deterministically', () => {
    fc.assert(
      fc.property(hostileHeaders, hostileMethod, hostileParams, (headers, method, params) => {
        const first = verdict(headers, method, params);
        const second = verdict(headers, method, params);
        expect(second?.message).toBe(first?.message);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts what a conforming client sends (names and params encoded per the spec)', () => {
    fc.assert(
      fc.property(lookupArgs, (args) => {
        const params = { name: 'lookup', arguments: args, _meta: meta };
        expect(verdict(lookupHeaders(args), 'tools/call', params)?.message).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...METHODS), text, (method, name) => {
        const params = { name, uri: name, taskId: name, _meta: meta };
        expect(verdict(conformingHeaders(method, params), method, params)?.message).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it('does not demand a header for an argument that is absent, whatever its name', () => {
    fc.assert(
      fc.property(fc.subarray(['constructor', 'toString', 'valueOf']), text, (present, value) => {
        const args = Object.fromEntries(present.map((key) => [key, value]));
        const headers = conformingHeaders('tools/call', { name: 'proto' });
        const names: Record<string, string> = { constructor: 'ctor', toString: 'tostr', valueOf: 'valueof' };
        for (const key of present) headers[`mcp-param-${names[key]}`] = encodeValue(value);
        const params = { name: 'proto', arguments: args, _meta: meta };
        expect(verdict(headers, 'tools/call', params)?.message).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('needs no Mcp-Name for a method that has none, prototype names included', () => {
    fc.assert(
      fc.property(hostileMethod, hostileParams, headerValue, (method, params, name) => {
        fc.pre(mcpNameSource(method) === undefined && method !== 'tools/call');
        const headers: Headers = { 'mcp-protocol-version': VERSION, 'mcp-method': method, 'mcp-name': name };
        const withMeta = { ...params, _meta: meta };
        expect(verdict(headers, method, withMeta)?.message).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('rejects a mirrored value that differs from the body', () => {
    fc.assert(
      fc.property(lookupArgs, text, fc.constantFrom('region', 'zone', 'name'), (args, other, which) => {
        const params = { name: 'lookup', arguments: args, _meta: meta };
        const headers = lookupHeaders(args);
        const current = which === 'name' ? 'lookup' : which === 'region' ? args.region : args.where?.zone;
        fc.pre(typeof current === 'string' && other !== current);
        headers[which === 'name' ? 'mcp-name' : `mcp-param-${which}`] = encodeValue(other);
        expect(verdict(headers, 'tools/call', params)).toBeInstanceOf(McpError);
      }),
      { numRuns: 500 },
    );
  });

  it('compares integers numerically but accepts no non-decimal spelling (empty, blank, hex, binary, octal)', () => {
    // Number() reads "" and " " as 0 and "0x10" as 16: none of them is the decimal form the spec
    // asks clients to send, and an intermediary routing on the header would see something else.
    const spelling = fc.oneof(
      fc.constant({ count: 0, header: '' }),
      fc.constantFrom(' ', '\t').map((blank) => ({ count: 0, header: blank })),
      fc
        .nat(1_000_000)
        .chain((count) =>
          fc
            .constantFrom(
              `0x${count.toString(16)}`,
              `0b${count.toString(2)}`,
              `0o${count.toString(8)}`,
              ` ${count}`,
            )
            .map((header) => ({ count, header })),
        ),
    );
    fc.assert(
      fc.property(spelling, ({ count, header }) => {
        const headers = { ...lookupHeaders({ count }), 'mcp-param-count': header };
        const params = { name: 'lookup', arguments: { count }, _meta: meta };
        expect(
          verdict(headers, 'tools/call', params),
          `header ${JSON.stringify(header)} for ${count}`,
        ).toBeInstanceOf(McpError);
      }),
      { numRuns: 300 },
    );
    // Numeric comparison itself is right: "42.0" and "42" both match 42 (the spec's SHOULD).
    for (const header of ['42', '42.0']) {
      const headers = { ...lookupHeaders({ count: 42 }), 'mcp-param-count': header };
      expect(
        verdict(headers, 'tools/call', { name: 'lookup', arguments: { count: 42 }, _meta: meta }),
      ).toBeUndefined();
    }
  });

  it('rejects a recognized Mcp-Param header with invalid characters even when the argument is absent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }), (raw) => {
        fc.pre(!SAFE.test(raw));
        const headers = { ...lookupHeaders({}), 'mcp-param-region': raw };
        expect(verdict(headers, 'tools/call', { name: 'lookup', arguments: {}, _meta: meta })).toBeInstanceOf(
          McpError,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('rejects a Base64 sentinel whose bytes are not UTF-8 (never matches a U+FFFD-substituted value)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 8 }), (bytes) => {
        fc.pre(!isUtf8(bytes));
        const sentinel = `=?base64?${Buffer.from(bytes).toString('base64')}?=`;
        const substituted = Buffer.from(bytes).toString('utf8');
        const params = { name: 'lookup', arguments: { region: substituted }, _meta: meta };
        const headers = { ...lookupHeaders({ region: substituted }), 'mcp-param-region': sentinel };
        expect(verdict(headers, 'tools/call', params)).toBeInstanceOf(McpError);
        expect(() => decodeHeaderValue(sentinel, 'Mcp-Name')).toThrow(McpError);
      }),
      { numRuns: 200 },
    );
  });
});

describe('collectParamHeaders (fuzz)', () => {
  it('never throws for any JSON schema a server may advertise, deep ones included', () => {
    const schema = fc
      .oneof(
        jsonTreeText,
        deepTextUpTo(20_000).map((t) => `{"type":"object","properties":{"a":${t}}}`),
      )
      .map(parseJson)
      .filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v));
    fc.assert(
      fc.property(schema, (s) => {
        const { headers, problems } = collectParamHeaders(s);
        expect(Array.isArray(headers) && Array.isArray(problems)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('acceptsBoth (fuzz)', () => {
  const BOTH = ['application/json', 'text/event-stream'] as const;
  const unrelated = fc.constantFrom('text/html', 'application/xml', 'image/*', 'text/plain;q=0.9');
  const param = fc.constantFrom('', ';q=0.5', '; charset=utf-8', ';q=1', ' ;level=1');
  const separator = fc.constantFrom(',', ', ', ' , ');
  /** An Accept value listing `types` in a random order, each with random parameters. */
  const listing = (types: string[]) =>
    fc
      .tuple(
        fc.shuffledSubarray(types, { minLength: types.length }),
        fc.array(param, { minLength: types.length, maxLength: types.length }),
        separator,
      )
      .map(([order, params, sep]) => order.map((t, i) => `${t}${params[i]}`).join(sep));

  it('never throws and is deterministic for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (accept) => {
        expect(acceptsBoth(accept)).toBe(acceptsBoth(accept));
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts any listing of both types, in any order, case and with parameters', () => {
    const accept = fc
      .array(unrelated, { maxLength: 2 })
      .chain((others) => listing([...BOTH, ...others]))
      .chain((value) => fc.constantFrom(value, value.toUpperCase()));
    fc.assert(
      fc.property(accept, (value) => {
        expect(acceptsBoth(value), value).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a listing of only one of the two', () => {
    const accept = fc
      .tuple(fc.constantFrom(...BOTH), fc.array(unrelated, { maxLength: 3 }))
      .chain(([one, others]) => listing([one, ...others]));
    fc.assert(
      fc.property(accept, (value) => {
        expect(acceptsBoth(value), value).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('counts neither a lookalike type nor one refused with q=0 (RFC 9110 §12.4.2)', () => {
    const spoilt = fc.constantFrom(...BOTH).chain((refused) =>
      fc
        .oneof(
          fc.constantFrom(';q=0', '; q=0', ';q=0.0', ';q=0.000').map((q) => `${refused}${q}`),
          fc.constantFrom('l', 's', '-seq', 'x').map((tail) => `${refused}${tail}`),
        )
        .chain((bad) => listing([refused === BOTH[0] ? BOTH[1] : BOTH[0], bad])),
    );
    fc.assert(
      fc.property(spoilt, (value) => {
        expect(acceptsBoth(value), value).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});

describe('2026 POST through the Fetch handler (fuzz)', () => {
  const http = fetchHandler(server);
  afterAll(() => http.close());

  it('answers every header/body combination with a JSON-RPC error of a known code, or a result', async () => {
    const method = fc.constantFrom('tools/call', 'resources/read', 'prompts/get', 'tools/list', 'toString');
    await fc.assert(
      fc.asyncProperty(
        method,
        hostileParams,
        fc.option(fieldValue, { nil: undefined }),
        hostileHeaders,
        fc.subarray(HEADER_NAMES, { maxLength: 2 }),
        fc.integer({ min: 1, max: 1e6 }),
        async (m, params, name, overrides, which, id) => {
          const withMeta = { ...params, ...(name === undefined ? {} : { name }), _meta: meta };
          // Start from what a conforming client would send, then let one or two headers go wrong.
          const headers: Headers = { ...conformingHeaders(m, withMeta), 'mcp-name': 'x' };
          for (const key of which) headers[key] = overrides[key];
          const plain: Record<string, string> = {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          };
          for (const [name, value] of Object.entries(headers)) {
            const first = Array.isArray(value) ? value[0] : value;
            // Fetch takes header values Node would also deliver: visible ASCII, no edge whitespace.
            if (first !== undefined && /^[\x20-\x7e\t]*$/.test(first) && first.trim() === first)
              plain[name] = first;
          }
          const body = JSON.stringify({ jsonrpc: '2.0', id, method: m, params: withMeta });
          const response = await http(
            new Request('http://localhost/mcp', { method: 'POST', headers: plain, body }),
          );
          const type = response.headers.get('content-type') ?? '';
          if (!type.includes('application/json')) {
            await response.body?.cancel();
            return;
          }
          const answer = (await response.json()) as Record<string, unknown>;
          expect(answer.jsonrpc).toBe('2.0');
          expect('result' in answer !== 'error' in answer).toBe(true);
          if ('error' in answer) {
            const error = answer.error as { code: unknown; message: unknown };
            expect(
              Number.isInteger(error.code) && WIRE_CODES.has(error.code as number),
              JSON.stringify(answer),
            ).toBe(true);
            expect(typeof error.message).toBe('string');
            expect(answer.id === id || answer.id === null).toBe(true);
          } else expect(answer.id).toBe(id);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses with 415 exactly the bodies whose Content-Type media type is not application/json', async () => {
    const contentType = fc.oneof(
      fc.constantFrom(
        'application/json',
        'APPLICATION/JSON',
        'application/json; charset=utf-8',
        'application/json;charset=UTF-8',
        'application/jsonp',
        'application/json-patch+json',
        'application/jsonx; charset=utf-8',
        'text/json',
        'application/x-www-form-urlencoded',
        'text/plain',
        '',
      ),
      fc.stringMatching(/^[a-z]{1,6}\/[a-z+.-]{1,10}$/),
    );
    await fc.assert(
      fc.asyncProperty(contentType, async (type) => {
        const body = JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'server/discover',
          params: { _meta: meta },
        });
        const headers: Record<string, string> = {
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': VERSION,
          'mcp-method': 'server/discover',
        };
        if (type) headers['content-type'] = type;
        const response = await http(new Request('http://localhost/mcp', { method: 'POST', headers, body }));
        await response.body?.cancel();
        const mediaType = type.split(';')[0]!.trim().toLowerCase();
        expect(response.status === 415, `Content-Type ${JSON.stringify(type)} → ${response.status}`).toBe(
          mediaType !== 'application/json',
        );
      }),
      { numRuns: 150 },
    );
  });
});
