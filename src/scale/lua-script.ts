import { createHash } from 'node:crypto';
import type { RedisLink, RedisReply } from './redis-link.js';

/**
 * A Lua script run by its SHA-1 (EVALSHA), sent in full (EVAL) only when the server does not know it
 * yet: after a restart, a failover, or on a cluster shard that has not run it. One key per script, so
 * `command` routes it on a cluster.
 */
export class LuaScript {
  readonly #sha: string;

  constructor(readonly source: string) {
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run(link: RedisLink, key: string, args: readonly string[]): Promise<RedisReply> {
    try {
      return await link.command(key, ['EVALSHA', this.#sha, '1', key, ...args]);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      return link.command(key, ['EVAL', this.source, '1', key, ...args]);
    }
  }
}
