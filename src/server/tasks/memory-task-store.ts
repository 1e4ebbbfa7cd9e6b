import type { TaskRecord, TaskStore } from './task-store.js';
import { TERMINAL_STATUSES } from './task-store.js';

/** Named default: at most this many tasks are kept in memory; the oldest expire first. */
export const DEFAULT_MAX_TASKS = 10_000;

/** In-memory TaskStore: expiry by ttl checked on access, bounded in count. */
export class MemoryTaskStore implements TaskStore {
  readonly #tasks = new Map<string, TaskRecord>();
  constructor(private readonly maxTasks = DEFAULT_MAX_TASKS) {}

  async create(record: TaskRecord): Promise<void> {
    this.#sweep();
    if (this.#tasks.size >= this.maxTasks) {
      const oldest = this.#tasks.keys().next();
      if (!oldest.done) this.#tasks.delete(oldest.value);
    }
    this.#tasks.set(record.taskId, { ...record });
  }

  async get(taskId: string): Promise<TaskRecord | undefined> {
    const task = this.#tasks.get(taskId);
    if (task && this.#expired(task)) {
      this.#tasks.delete(taskId);
      return undefined;
    }
    return task && { ...task };
  }

  async update(taskId: string, patch: Partial<TaskRecord>): Promise<TaskRecord | undefined> {
    const task = this.#tasks.get(taskId);
    if (!task) return undefined;
    if (!TERMINAL_STATUSES.has(task.status)) {
      Object.assign(task, patch, { lastUpdatedAt: new Date().toISOString() });
      if (task.status !== 'input_required') delete task.inputRequests;
    }
    return { ...task };
  }

  async list(owner: string, offset: number, limit: number): Promise<TaskRecord[]> {
    this.#sweep();
    const mine = [...this.#tasks.values()].filter((task) => task.owner === owner);
    return mine.slice(offset, offset + limit).map((task) => ({ ...task }));
  }

  #expired(task: TaskRecord): boolean {
    return task.ttlMs !== null && Date.parse(task.createdAt) + task.ttlMs < Date.now();
  }

  #sweep(): void {
    for (const [id, task] of this.#tasks) if (this.#expired(task)) this.#tasks.delete(id);
  }
}
