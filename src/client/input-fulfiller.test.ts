import { describe, expect, it } from 'vitest';
import { applyDefaults, InputFulfiller } from './input-fulfiller.js';

const signal = new AbortController().signal;

describe('InputFulfiller', () => {
  it('fills fields the user left out with the schema defaults, only on accept', () => {
    const form = {
      message: 'm',
      requestedSchema: {
        type: 'object',
        properties: { name: { type: 'string', default: 'Jo' }, age: { type: 'number', default: 3 } },
      },
    };
    expect(applyDefaults(form, { action: 'accept', content: { name: 'Al' } })).toEqual({
      action: 'accept',
      content: { name: 'Al', age: 3 },
    });
    expect(applyDefaults(form, { action: 'decline' })).toEqual({ action: 'decline' });
  });

  it('asks for consent before a URL elicitation and declines without it', async () => {
    const seen: string[] = [];
    const fulfiller = new InputFulfiller({
      urlConsent: async (params) => params.url.startsWith('https://trusted.example/'),
      elicitation: async (params) => {
        seen.push(params.mode ?? 'form');
        return { action: 'accept' };
      },
    });
    const ask = (url: string) =>
      fulfiller.fulfil('elicitation/create', { mode: 'url', message: 'sign in', url }, signal);
    await expect(ask('https://evil.example/')).resolves.toEqual({ action: 'decline' });
    await expect(ask('https://trusted.example/login')).resolves.toEqual({ action: 'accept' });
    expect(seen).toEqual(['url']);
  });

  it('derives capabilities from the handlers and answers roots', async () => {
    const fulfiller = new InputFulfiller({
      sampling: async () => ({ role: 'assistant', content: {}, model: 'm' }),
      roots: [{ uri: 'file:///a' }],
      tasks: true,
    });
    expect(fulfiller.capabilities()).toEqual({
      sampling: {},
      roots: { listChanged: true },
      extensions: { 'io.modelcontextprotocol/tasks': {} },
    });
    await expect(fulfiller.fulfil('roots/list', {}, signal)).resolves.toEqual({
      roots: [{ uri: 'file:///a' }],
    });
    await expect(
      fulfiller.fulfil('elicitation/create', { message: 'x', requestedSchema: {} }, signal),
    ).rejects.toMatchObject({ code: -32601 });
  });
});
