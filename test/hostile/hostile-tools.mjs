// The tools of the hostile-client suite, registered on an in-process McpServer (from src) and on the
// `erlmcp serve` fixture (from dist). Plain JavaScript, so the child process can load it unbuilt.

const PROTOTYPES = [
  ['Object', Object.prototype],
  ['Array', Array.prototype],
  ['Function', Function.prototype],
  ['String', String.prototype],
];

function describeOwn(proto) {
  return new Map(Reflect.ownKeys(proto).map((key) => [key, Object.getOwnPropertyDescriptor(proto, key)]));
}

/** Captured once, when this module loads: what the built-in prototypes held before any client spoke. */
const BASELINE = PROTOTYPES.map(([, proto]) => describeOwn(proto));

/** What changed on the built-in prototypes since this module loaded ([] when nothing did). */
export function prototypeChanges() {
  const changes = [];
  PROTOTYPES.forEach(([name, proto], index) => {
    const before = BASELINE[index];
    const now = describeOwn(proto);
    for (const [key, descriptor] of now) {
      const old = before.get(key);
      if (!old) changes.push(`${name}.prototype.${String(key)} added`);
      else if (old.value !== descriptor.value || old.get !== descriptor.get || old.set !== descriptor.set)
        changes.push(`${name}.prototype.${String(key)} replaced`);
    }
    for (const key of before.keys())
      if (!now.has(key)) changes.push(`${name}.prototype.${String(key)} removed`);
  });
  return changes;
}

const TREE_SCHEMA = {
  type: 'object',
  properties: { tree: { $ref: '#/$defs/tree' } },
  $defs: { tree: { type: 'array', items: { $ref: '#/$defs/tree' } } },
};

/**
 * echo (a schema requiring a string), mirror / mirror-logged (return the arguments as structured
 * content; the second logs first), tree (a recursive schema), slow (waits `ms`, default 10 s, or
 * until cancelled; logs first with `announce`), asks (elicits), probe (prototype changes and the supervisor's counters).
 */
export function registerHostileTools(server, stats = { started: 0, aborted: 0 }) {
  server.tool('echo', {
    inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
    handler: ({ message }) => `Echo: ${message}`,
  });
  const mirrored = (args) => ({ content: [{ type: 'text', text: 'mirrored' }], structuredContent: args });
  server.tool('mirror', { handler: mirrored });
  server.tool('mirror-logged', {
    handler: async (args, ctx) => {
      await ctx.log('info', 'mirroring');
      return mirrored(args);
    },
  });
  server.tool('tree', { inputSchema: TREE_SCHEMA, handler: () => 'a tree' });
  server.tool('slow', {
    handler: (args, ctx) =>
      new Promise((resolve) => {
        stats.started++;
        // `announce`: a log first, which makes an HTTP response an SSE stream before the result.
        if (args.announce === true) void ctx.log('info', 'sleeping');
        const timer = setTimeout(() => resolve('slept'), typeof args.ms === 'number' ? args.ms : 10_000);
        ctx.signal.addEventListener('abort', () => {
          stats.aborted++;
          clearTimeout(timer);
          resolve('aborted');
        });
      }),
  });
  server.tool('asks', {
    handler: async (_args, ctx) => {
      const answer = await ctx.elicit({
        message: 'Your name?',
        requestedSchema: { type: 'object', properties: { name: { type: 'string' } } },
      });
      return `got ${answer.action}`;
    },
  });
  server.tool('probe', {
    handler: () =>
      JSON.stringify({
        changes: prototypeChanges(),
        inFlight: server.core.supervisor.inFlight,
        sessions: server.core.supervisor.sessions,
        ...stats,
      }),
  });
  return stats;
}
