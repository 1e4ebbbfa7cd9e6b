import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { respCommand } from './redis-resp.js';
import {
  REDIS_NOT_FOUND,
  type RedisClusterProcess,
  type RedisProcess,
  startRedis,
  startRedisCluster,
} from './redis-server.js';

describe('startRedis', () => {
  const started: RedisProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((redis) => redis.stop()));
  });

  it('answers PING, SET and GET on a free loopback port', async () => {
    const redis = await startRedis();
    started.push(redis);
    expect(redis.port).not.toBe(6379);
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(redis.pid).toBeGreaterThan(0);
    expect(await redis.command('PING')).toBe('PONG');
    expect(await redis.command('SET', 'greeting', 'hello world')).toBe('OK');
    expect(await redis.command('GET', 'greeting')).toBe('hello world');
    expect(await respCommand(redis.port, ['GET', 'greeting'])).toBe('hello world');
    expect(await redis.command('CONFIG', 'GET', 'save')).toBe('save');
  });

  it('refuses connections after kill and answers again after restart on the same port', async () => {
    const redis = await startRedis();
    started.push(redis);
    const firstPid = redis.pid;
    await redis.kill();
    await expect(respCommand(redis.port, ['PING'])).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(redis.command('PING')).rejects.toThrow(/Connection refused/);
    await redis.restart();
    expect(redis.pid).not.toBe(firstPid);
    expect(await respCommand(redis.port, ['PING'])).toBe('PONG');
    await redis.stop();
    await redis.stop();
    await expect(respCommand(redis.port, ['PING'])).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('passes extra arguments and reports redis output when the start fails', async () => {
    const redis = await startRedis({ args: ['--maxmemory', '10mb'] });
    started.push(redis);
    expect(await redis.command('CONFIG', 'GET', 'maxmemory')).toBe('maxmemory\n10485760');
    await expect(startRedis({ args: ['--no-such-directive', 'x'] })).rejects.toThrow(
      /exited:[\s\S]*no-such-directive/,
    );
  });

  it('fails (never skips) with an install hint when redis-server is not on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startRedis()).rejects.toThrow(REDIS_NOT_FOUND);
    } finally {
      process.env.PATH = path;
    }
    expect(REDIS_NOT_FOUND).toBe('redis-server not found: install it (apt-get install redis-server)');
  });
});

describe('startRedisCluster', () => {
  let cluster: RedisClusterProcess;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('forms a three-master cluster whose state is ok', async () => {
    expect(cluster.urls).toEqual(cluster.nodes.map((node) => `redis://127.0.0.1:${node.port}`));
    const first = cluster.nodes[0]!;
    expect(await first.command('CLUSTER', 'INFO')).toMatch(/cluster_state:ok/);
    const lines = (await first.command('CLUSTER', 'NODES')).split('\n');
    expect(lines).toHaveLength(3);
    for (const node of cluster.nodes) {
      const line = lines.find((entry) => entry.includes(`127.0.0.1:${node.port}@`));
      expect(line).toMatch(/master/);
    }
  });

  it('routes keys of different slots to different masters with redis-cli -c', async () => {
    const [first, second] = cluster.nodes;
    const keys = ['session:a', 'session:b', 'session:c'];
    const slots = await Promise.all(keys.map((key) => respCommand(first!.port, ['CLUSTER', 'KEYSLOT', key])));
    // `--cluster create` splits the 16384 slots into three ranges, one per master.
    expect(slots.map((slot) => Math.floor(Number(slot) / 5462)).sort()).toEqual([0, 1, 2]);
    for (const key of keys) expect(await first!.command('-c', 'SET', key, `value of ${key}`)).toBe('OK');
    for (const key of keys) expect(await second!.command('-c', 'GET', key)).toBe(`value of ${key}`);
    // Without -c, the two keys the first node does not own are redirected.
    const direct = await Promise.all(keys.map((key) => respCommand(first!.port, ['GET', key]).catch(String)));
    expect(direct.filter((reply) => reply?.startsWith('RedisReplyError: MOVED'))).toHaveLength(2);
  });
});
