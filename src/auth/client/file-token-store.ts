import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyedMutex, type StoredRecord, type TokenStore } from './token-store.js';

export interface FileTokenStoreOptions {
  /** How long to wait for another process's lock before giving up. Default 30 s. */
  lockTimeoutMs?: number;
  /** A lock file older than this is taken as left by a dead process and removed. Default 60 s. */
  staleLockMs?: number;
}

/**
 * Tokens in a JSON file (mode 0600), safe for several processes: every change is written to a
 * temporary file and renamed over the old one (readers never see half a file), and `lock` holds
 * `<file>.lock`, created exclusively, so one process at a time refreshes or registers. Inside
 * `lock`, `save` writes directly; outside, it takes the lock itself for its read-modify-write.
 */
export class FileTokenStore implements TokenStore {
  readonly #mutex = new KeyedMutex();
  readonly #holding = new AsyncLocalStorage<boolean>();
  readonly #lockTimeoutMs: number;
  readonly #staleLockMs: number;

  constructor(
    readonly path: string,
    options: FileTokenStoreOptions = {},
  ) {
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
    this.#staleLockMs = options.staleLockMs ?? 60_000;
  }

  async load(key: string): Promise<StoredRecord | undefined> {
    return (await this.#read())[key];
  }

  async save(key: string, record: StoredRecord | undefined): Promise<void> {
    const write = async () => {
      const records = await this.#read();
      if (record === undefined) delete records[key];
      else records[key] = record;
      await this.#write(records);
    };
    if (this.#holding.getStore()) await write();
    else await this.lock(key, write);
  }

  /** One lock for the whole file: tasks of this process queue, other processes wait on the lock file. */
  lock<T>(_key: string, task: () => Promise<T>): Promise<T> {
    if (this.#holding.getStore()) return task();
    return this.#mutex.run('file', async () => {
      const release = await this.#acquire();
      try {
        return await this.#holding.run(true, task);
      } finally {
        await release();
      }
    });
  }

  async #read(): Promise<Record<string, StoredRecord>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, StoredRecord>) : {};
    } catch {
      return {};
    }
  }

  async #write(records: Record<string, StoredRecord>): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, JSON.stringify(records), { mode: 0o600 });
    await rename(temporary, this.path);
  }

  async #acquire(): Promise<() => Promise<void>> {
    const lockPath = `${this.path}.lock`;
    await mkdir(dirname(this.path), { recursive: true });
    const deadline = Date.now() + this.#lockTimeoutMs;
    for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
      try {
        const handle = await open(lockPath, 'wx', 0o600);
        await handle.writeFile(`${process.pid} ${Date.now()}`);
        await handle.close();
        return () => rm(lockPath, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const age = await stat(lockPath).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if (age > this.#staleLockMs) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for the token store lock ${lockPath}`);
      await sleep(wait + Math.floor(Math.random() * wait));
    }
  }
}
