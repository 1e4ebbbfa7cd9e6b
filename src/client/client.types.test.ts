/** Type tests: callers get typed results without casts (checked by `npm run typecheck`). */
import { describe, expectTypeOf, it } from 'vitest';
import type { ContentBlock, PromptMessage, ResourceContents, Tool } from '../protocol/types.js';
import type { Client } from './client.js';
import type { Subscription } from './subscription.js';
import type { TaskHandle } from './tasks.js';

describe('Client types', () => {
  it('types the results of the main calls', () => {
    expectTypeOf<Client['listTools']>().returns.resolves.toHaveProperty('tools').toEqualTypeOf<Tool[]>();
    expectTypeOf<Client['listAllTools']>().returns.resolves.toEqualTypeOf<Tool[]>();
    expectTypeOf<Awaited<ReturnType<Client['callTool']>>['content']>().toEqualTypeOf<ContentBlock[]>();
    expectTypeOf<Awaited<ReturnType<Client['callTool']>>['structuredContent']>().toEqualTypeOf<unknown>();
    expectTypeOf<Awaited<ReturnType<Client['readResource']>>['contents']>().toEqualTypeOf<
      ResourceContents[]
    >();
    expectTypeOf<Awaited<ReturnType<Client['getPrompt']>>['messages']>().toEqualTypeOf<PromptMessage[]>();
    expectTypeOf<Awaited<ReturnType<Client['complete']>>['completion']['values']>().toEqualTypeOf<string[]>();
    expectTypeOf<Awaited<ReturnType<Client['listResources']>>['nextCursor']>().toEqualTypeOf<
      string | undefined
    >();
    expectTypeOf<Awaited<ReturnType<Client['discover']>>['supportedVersions']>().toEqualTypeOf<string[]>();
    expectTypeOf<Client['callToolAsTask']>().returns.resolves.toEqualTypeOf<TaskHandle>();
    expectTypeOf<Client['listen']>().returns.toEqualTypeOf<Subscription>();
  });

  it('types the arguments', () => {
    expectTypeOf<Client['callTool']>().parameter(0).toEqualTypeOf<string>();
    expectTypeOf<Client['getPrompt']>().parameter(1).toEqualTypeOf<Record<string, string> | undefined>();
    expectTypeOf<Client['complete']>()
      .parameter(0)
      .toEqualTypeOf<{ type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string }>();
    expectTypeOf<Client['setLogLevel']>()
      .parameter(0)
      .toEqualTypeOf<
        'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency'
      >();
  });
});
