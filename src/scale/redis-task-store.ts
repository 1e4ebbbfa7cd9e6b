import { createHash } from 'node:crypto';
import { type TaskRecord, type TaskStore, TERMINAL_STATUSES } from '../server/tasks/task-store.js';
import { LuaScript } from './lua-script.js';
import { hashReply, type RedisLink, type RedisReply } from './redis-link.js';
import { ownerTasksKey, taskKey } from './session-keys.js';

/**
 * Named limit: a task record lives at most this long in Redis, also one that asks for no expiry
 * (`ttlMs: null`): Redis memory must stay bounded. TaskManager never asks for more than a day.
 */
export const MAX_TASK_RETENTION_MS = 7 * 86_400_000;

/** Field values are JSON, so a status compares as its JSON text. */
const TERMINAL_LUA = [...TERMINAL_STATUSES].map((status) => `['"${status}"'] = true`).join(', ');

/** KEYS[1] task; ARGV[1] ms to live; ARGV[2..] field, value pairs. */
const CREATE = new LuaScript(`
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
`);

/**
 * KEYS[1] task; ARGV[1] lastUpdatedAt; ARGV[2..] field, value pairs ('' deletes the field). One script,
 * so two nodes updating one task apply one patch after the other, and a terminal task stays as it is.
 * HSET keeps the key's expiry.
 */
const UPDATE = new LuaScript(`
local terminal = { ${TERMINAL_LUA} }
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return false end
if not terminal[status] then
  for i = 2, #ARGV, 2 do
    if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i])
    else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
  end
  redis.call('HSET', KEYS[1], 'lastUpdatedAt', ARGV[1])
  if redis.call('HGET', KEYS[1], 'status') ~= '"input_required"' then
    redis.call('HDEL', KEYS[1], 'inputRequests')
  end
end
return redis.call('HGETALL', KEYS[1])
`);

/**
 * KEYS[1] owner index; ARGV[1] score (creation ms), ARGV[2] task id, ARGV[3] ms the task lives,
 * ARGV[4] the oldest creation time a live task can have. The index outlives its longest task, and
 * members older than any task can live go here (the others go lazily, when a list finds them gone).
 */
const INDEX = new LuaScript(`
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[4])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
`);

/**
 * Tasks every node of a cluster shares: one hash per task (each field one JSON-encoded property of the
 * record, so nothing is decoded and re-encoded inside Redis), expiring with the task's ttl, and one
 * sorted set per owner for `tasks/list`. Holds what the memory store holds: the owner (a session id or
 * a principal's name), never a credential.
 */
export class RedisTaskStore implements TaskStore {
  constructor(private readonly link: RedisLink) {}

  async create(record: TaskRecord): Promise<void> {
    const createdMs = Date.parse(record.createdAt);
    const lifeMs = Math.min(record.ttlMs ?? MAX_TASK_RETENTION_MS, MAX_TASK_RETENTION_MS);
    const leftMs = String(Math.max(1, createdMs + lifeMs - Date.now()));
    const key = taskKey(record.taskId);
    // The task before its index entry: a list that finds an entry without its task removes the entry.
    await CREATE.run(this.link, key, [leftMs, ...fieldsOf(record)]);
    await INDEX.run(this.link, ownerTasksKey(ownerDigest(record.owner)), [
      String(createdMs),
      record.taskId,
      leftMs,
      String(Date.now() - MAX_TASK_RETENTION_MS),
    ]);
  }

  async get(taskId: string): Promise<TaskRecord | undefined> {
    const key = taskKey(taskId);
    return recordOf(await this.link.command(key, ['HGETALL', key]));
  }

  async update(
    taskId: string,
    patch: Partial<Omit<TaskRecord, 'taskId' | 'owner'>>,
  ): Promise<TaskRecord | undefined> {
    const args = [JSON.stringify(new Date().toISOString())];
    for (const [name, value] of Object.entries(patch)) {
      if (name === 'taskId' || name === 'owner') continue;
      args.push(name, value === undefined ? '' : JSON.stringify(value));
    }
    return recordOf(await UPDATE.run(this.link, taskKey(taskId), args));
  }

  /** Oldest first, as the memory store lists. Entries whose task expired are dropped on the way. */
  async list(owner: string, offset: number, limit: number): Promise<TaskRecord[]> {
    const index = ownerTasksKey(ownerDigest(owner));
    const found: TaskRecord[] = [];
    let start = offset;
    while (found.length < limit) {
      const stop = start + (limit - found.length) - 1;
      const ids = await this.link.command(index, ['ZRANGE', index, String(start), String(stop)]);
      if (!Array.isArray(ids) || ids.length === 0) break;
      const records = await Promise.all(ids.map((id) => this.get(String(id))));
      const gone = ids.filter((_, i) => records[i] === undefined).map(String);
      if (gone.length > 0) await this.link.command(index, ['ZREM', index, ...gone]);
      for (const record of records) if (record && record.owner === owner) found.push(record);
      // The removed entries shifted the rest down: the next read starts after what was kept.
      start += ids.length - gone.length;
    }
    return found;
  }
}

function fieldsOf(record: TaskRecord): string[] {
  const fields: string[] = [];
  for (const [name, value] of Object.entries(record))
    if (value !== undefined) fields.push(name, JSON.stringify(value));
  return fields;
}

function recordOf(reply: RedisReply): TaskRecord | undefined {
  const fields = hashReply(reply);
  if (fields.taskId === undefined || fields.status === undefined) return undefined;
  const record: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(fields)) record[name] = JSON.parse(text);
  return record as unknown as TaskRecord;
}

/** An owner's index key carries a digest: fixed length, no braces that would break the hash tag. */
function ownerDigest(owner: string): string {
  return createHash('sha256').update(owner).digest('base64url').slice(0, 22);
}
