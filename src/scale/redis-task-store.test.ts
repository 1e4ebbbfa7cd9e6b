import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisProcess, startRedis, startRedisCluster } from '../../test/support/redis-server.js';
import type { InputRequest } from '../protocol/types.js';
import type { TaskRecord } from '../server/tasks/task-store.js';
import { connectRedis, type RedisLink } from './redis-link.js';
import { MAX_TASK_RETENTION_MS, RedisTaskStore } from './redis-task-store.js';
import { taskKey } from './session-keys.js';

function task(owner: string, overrides: Partial<TaskRecord> = {}): TaskRecord {
  const now = new Date().toISOString();
  return {
    taskId: randomUUID(),
    owner,
    status: 'working',
    createdAt: now,
    lastUpdatedAt: now,
    ttlMs: 60_000,
    pollIntervalMs: 500,
    ...overrides,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RedisTaskStore', () => {
  let redis: RedisProcess;
  let link: RedisLink;
  let other: RedisLink;
  let store: RedisTaskStore;

  beforeAll(async () => {
    redis = await startRedis();
    [link, other] = await Promise.all([connectRedis({ url: redis.url }), connectRedis({ url: redis.url })]);
    store = new RedisTaskStore(link);
  });

  afterAll(async () => {
    await Promise.allSettled([link?.close(), other?.close()]);
    await redis?.stop();
  });

  it('stores a record and reads it back as it was, with a key tagged by the task id', async () => {
    const record = task('alice', {
      statusMessage: 'héllo "quoted" {braces}',
      node: 'node-1',
      result: { content: [], structuredContent: { list: [], empty: {}, big: 2 ** 53 - 1 } },
    });
    await store.create(record);
    expect(await store.get(record.taskId)).toEqual(record);
    expect(await redis.command('EXISTS', `erlmcp:{task:${record.taskId}}`)).toBe('1');
    expect(await store.get('no-such-task')).toBeUndefined();
    expect(await store.get('a}b{c')).toBeUndefined();
  });

  it('expires a record after its ttl, and caps a record that asks for none', async () => {
    const short = task('exp', { ttlMs: 1000 });
    const unbounded = task('exp', { ttlMs: null });
    await Promise.all([store.create(short), store.create(unbounded)]);
    const shortTtl = Number(await redis.command('PTTL', taskKey(short.taskId)));
    expect(shortTtl).toBeGreaterThan(0);
    expect(shortTtl).toBeLessThanOrEqual(1000);
    const cappedTtl = Number(await redis.command('PTTL', taskKey(unbounded.taskId)));
    expect(cappedTtl).toBeGreaterThan(MAX_TASK_RETENTION_MS - 10_000);
    expect(cappedTtl).toBeLessThanOrEqual(MAX_TASK_RETENTION_MS);
    expect((await store.get(unbounded.taskId))?.ttlMs).toBeNull();
    // An update keeps the expiry it had.
    await store.update(short.taskId, { statusMessage: 'still here' });
    expect(Number(await redis.command('PTTL', taskKey(short.taskId)))).toBeLessThanOrEqual(shortTtl);
    await sleep(1100);
    expect(await store.get(short.taskId)).toBeUndefined();
    expect(await store.update(short.taskId, { status: 'completed' })).toBeUndefined();
    expect((await store.list('exp', 0, 10)).map((t) => t.taskId)).toEqual([unbounded.taskId]);
  });

  it('patches, stamps lastUpdatedAt, and keeps inputRequests only while input_required', async () => {
    const record = task('bob', { lastUpdatedAt: '2020-01-01T00:00:00.000Z' });
    await store.create(record);
    const inputRequests: Record<string, InputRequest> = {
      'input-1': { method: 'roots/list' },
    };
    const asked = await store.update(record.taskId, {
      status: 'input_required',
      inputRequests,
      statusMessage: 'waiting',
    });
    expect(asked).toMatchObject({ status: 'input_required', inputRequests, statusMessage: 'waiting' });
    expect(asked?.lastUpdatedAt).not.toBe(record.lastUpdatedAt);
    // From another link: the status moves on, the requests go, an undefined field is removed.
    // (An undefined field comes only from untyped callers; Object.assign leaves it unset in memory.)
    const patch: Partial<TaskRecord> = { status: 'working' };
    Reflect.set(patch, 'statusMessage', undefined);
    const resumed = await new RedisTaskStore(other).update(record.taskId, patch);
    expect(resumed).toEqual({ ...record, lastUpdatedAt: resumed?.lastUpdatedAt });
    expect(await store.get(record.taskId)).toEqual(resumed);
  });

  it('keeps a terminal task as it is', async () => {
    const record = task('carol');
    await store.create(record);
    const done = await store.update(record.taskId, { status: 'completed', result: { content: [] } });
    expect(done).toMatchObject({ status: 'completed', result: { content: [] } });
    const after = await store.update(record.taskId, { status: 'failed', statusMessage: 'late' });
    expect(after).toEqual(done);
    expect(await store.get(record.taskId)).toEqual(done);
  });

  it('applies concurrent updates from two nodes one after the other: one terminal outcome wins', async () => {
    const stores = [store, new RedisTaskStore(other)] as const;
    for (let round = 0; round < 25; round++) {
      const record = task('race');
      await store.create(record);
      const [a, b] = await Promise.all([
        stores[0].update(record.taskId, { status: 'completed', result: { n: round } }),
        stores[1].update(record.taskId, { status: 'cancelled', statusMessage: 'Cancelled by the client' }),
      ]);
      const final = await store.get(record.taskId);
      expect(['completed', 'cancelled']).toContain(final?.status);
      // The loser sees the winner's record: its own patch was never applied on top.
      expect(a).toEqual(final);
      expect(b).toEqual(final);
      if (final?.status === 'completed') expect(final.statusMessage).toBeUndefined();
      else expect(final?.result).toBeUndefined();
    }
  });

  it('lists an owner’s tasks oldest first, in pages, apart from other owners', async () => {
    const owner = `dave-${randomUUID()}`;
    const base = Date.now();
    const records = Array.from({ length: 7 }, (_, i) =>
      task(owner, { createdAt: new Date(base + i).toISOString() }),
    );
    // Stored out of order: the creation time orders them.
    for (const record of [...records].reverse()) await store.create(record);
    await store.create(task(`${owner}-other`));
    await store.create(task('{braces}|issuer subject'));
    const ids = records.map((record) => record.taskId);
    expect((await store.list(owner, 0, 3)).map((t) => t.taskId)).toEqual(ids.slice(0, 3));
    expect((await store.list(owner, 3, 3)).map((t) => t.taskId)).toEqual(ids.slice(3, 6));
    expect((await store.list(owner, 6, 3)).map((t) => t.taskId)).toEqual(ids.slice(6));
    expect(await store.list(owner, 9, 3)).toEqual([]);
    expect(await store.list('nobody', 0, 3)).toEqual([]);
    expect((await store.list('{braces}|issuer subject', 0, 3)).length).toBe(1);
  });

  it('drops index entries of expired tasks lazily and still fills the page', async () => {
    const owner = `erin-${randomUUID()}`;
    const base = Date.now();
    const ttls = [300, 60_000, 300, 300, 60_000, 60_000];
    const records = ttls.map((ttlMs, i) =>
      task(owner, { ttlMs, createdAt: new Date(base + i).toISOString() }),
    );
    for (const record of records) await store.create(record);
    const [index] = (await redis.command('KEYS', 'erlmcp:{owner:*}:tasks')).split('\n').filter(Boolean);
    expect(index).toBeDefined();
    await sleep(400);
    const live = records.filter((record) => record.ttlMs === 60_000).map((record) => record.taskId);
    expect((await store.list(owner, 0, 2)).map((t) => t.taskId)).toEqual(live.slice(0, 2));
    expect((await store.list(owner, 2, 2)).map((t) => t.taskId)).toEqual(live.slice(2));
    let remaining = 0;
    for (const key of (await redis.command('KEYS', 'erlmcp:{owner:*}:tasks')).split('\n')) {
      const members = await redis.command('ZRANGE', key, '0', '-1');
      if (members.includes(live[0]!)) remaining = members.split('\n').length;
    }
    expect(remaining).toBe(3);
    // The index itself expires with its longest task.
    const indexTtl = Number(await redis.command('PTTL', index!));
    expect(indexTtl).toBeGreaterThan(0);
  });
});

describe('RedisTaskStore on a Redis Cluster', () => {
  it('creates, updates and lists across shards (scripts load on each shard)', async () => {
    const cluster = await startRedisCluster();
    const link = await connectRedis({ url: cluster.urls, cluster: true });
    try {
      const store = new RedisTaskStore(link);
      const records = Array.from({ length: 6 }, (_, i) =>
        task('shards', { createdAt: new Date(Date.now() + i).toISOString() }),
      );
      for (const record of records) await store.create(record);
      for (const record of records) {
        expect(await store.update(record.taskId, { status: 'completed', result: {} })).toMatchObject({
          status: 'completed',
        });
      }
      const listed = await store.list('shards', 0, 10);
      expect(listed.map((t) => t.taskId)).toEqual(records.map((record) => record.taskId));
      expect(listed.every((t) => t.status === 'completed')).toBe(true);
    } finally {
      await link.close();
      await cluster.stop();
    }
  }, 60_000);
});
