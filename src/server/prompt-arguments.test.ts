import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { harness } from '../../test/support/server-harness.js';
import { McpServer } from './mcp-server.js';

const text = (value: string) => ({
  messages: [{ role: 'user' as const, content: { type: 'text' as const, text: value } }],
});

describe('prompts declared with argsSchema', () => {
  it('advertise the schema properties as arguments and validate prompts/get against it', async () => {
    const { modern } = await harness((server) => {
      server.prompt('translate', {
        argsSchema: z.object({
          text: z.string().describe('What to translate'),
          language: z.enum(['fr', 'de']).optional(),
        }),
        get: ({ text: input, language }) => text(`${input} → ${language ?? 'fr'}`),
      });
    });
    const listed = await modern('prompts/list');
    expect((listed.result as { prompts: unknown[] }).prompts).toEqual([
      {
        name: 'translate',
        arguments: [{ name: 'text', description: 'What to translate', required: true }, { name: 'language' }],
      },
    ]);
    const ok = await modern('prompts/get', { name: 'translate', arguments: { text: 'hi', language: 'de' } });
    expect(ok.result).toMatchObject({ messages: [{ content: { text: 'hi → de' } }] });

    const missing = await modern('prompts/get', { name: 'translate', arguments: {} });
    expect(missing.error).toMatchObject({ code: -32602 });
    expect((missing.error as { message: string }).message).toContain('Missing required argument "text"');

    const invalid = await modern('prompts/get', {
      name: 'translate',
      arguments: { text: 'hi', language: 'xx' },
    });
    expect(invalid.error).toMatchObject({ code: -32602 });
    expect((invalid.error as { message: string }).message).toMatch(
      /Invalid arguments for prompt translate: .*language/,
    );
  });

  it('refuses a schema with non-string arguments, or argsSchema together with arguments', () => {
    const server = new McpServer({ name: 't', version: '1' });
    expect(() =>
      server.prompt('count', { argsSchema: z.object({ n: z.number() }), get: () => text('') }),
    ).toThrow(/argument "n" must be a string/);
    expect(() =>
      server.prompt('both', {
        argsSchema: z.object({ a: z.string() }),
        // biome-ignore lint/suspicious/noExplicitAny: the types forbid this; the runtime must refuse it too
        arguments: [{ name: 'a' }] as any,
        get: () => text(''),
      }),
    ).toThrow(/argsSchema or arguments, not both/);
  });
});
