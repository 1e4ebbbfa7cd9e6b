import type { ClientOptions } from '../../src/client/options.js';

/**
 * A client that can answer everything the everything server asks: sampling (with tools),
 * elicitation (form and URL), roots, and the 2026 tasks extension.
 */
export function everythingClientOptions(
  versionNegotiation: ClientOptions['versionNegotiation'],
): ClientOptions {
  return {
    ...(versionNegotiation === undefined ? {} : { versionNegotiation }),
    tasks: true,
    capabilities: {
      sampling: { tools: {} },
      elicitation: { form: {}, url: {} },
      roots: { listChanged: true },
    },
    sampling: async (params) =>
      params.tools
        ? {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 'c1', name: 'get_weather', input: {} }],
            model: 'm',
            stopReason: 'toolUse',
          }
        : { role: 'assistant', content: { type: 'text', text: 'sampled' }, model: 'm' },
    elicitation: async (params) =>
      params.mode === 'url'
        ? { action: 'decline' }
        : { action: 'accept', content: { username: 'ada', email: 'a@b.c', ok: true } },
    roots: [{ uri: 'file:///w', name: 'w' }],
  };
}
