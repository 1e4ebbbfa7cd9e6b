/**
 * Where an OAuth client keeps what it obtained: tokens per MCP server (resource) and client
 * registrations per authorization server (issuer). The store is pluggable; `MemoryTokenStore`
 * (one process) and `FileTokenStore` (several processes sharing a file) are provided.
 */

/** Tokens for one MCP server, from one authorization server. */
export interface StoredTokens {
  kind: 'tokens';
  /** The authorization server that issued them (its `issuer`). */
  issuer: string;
  /** The resource they were requested for (RFC 8707). */
  resource: string;
  access_token: string;
  /** `Bearer` or `DPoP`. */
  token_type: string;
  /** When the access token expires (epoch ms); absent when the server did not say. */
  expires_at?: number;
  /** When it was issued (epoch ms): a short-lived token is refreshed at half its life, not earlier. */
  issued_at?: number;
  refresh_token?: string;
  /** The scopes granted (the ones requested when the server did not say). */
  scope?: string;
}

/** A client identity at one authorization server (dynamic registration or pre-registered). */
export interface StoredClient {
  kind: 'client';
  issuer: string;
  client_id: string;
  client_secret?: string;
  /** How the client authenticates at the token endpoint (`none`, `client_secret_basic`, …). */
  token_endpoint_auth_method?: string;
  /** Epoch seconds; 0 or absent: the secret does not expire (RFC 7591 §3.2.1). */
  client_secret_expires_at?: number;
  /** The redirect URIs registered, to notice a registration made for other ones. */
  redirect_uris?: string[];
}

export type StoredRecord = StoredTokens | StoredClient;

/**
 * The contract of a store. Records are plain JSON. `lock` runs a task while holding the store's
 * exclusive lock for `key`; an implementation shared by processes must make it exclusive across
 * them (that is what makes a refresh happen once when many processes see the same expired token).
 * `load` and `save` may be called inside a task that holds the lock.
 */
export interface TokenStore {
  load(key: string): Promise<StoredRecord | undefined>;
  /** Saves a record; `undefined` deletes it. */
  save(key: string, record: StoredRecord | undefined): Promise<void>;
  lock<T>(key: string, task: () => Promise<T>): Promise<T>;
}

/** The store key of the tokens of an MCP server. */
export const tokensKey = (resource: string): string => `tokens ${resource}`;
/** The store key of the client registration at an authorization server. */
export const clientKey = (issuer: string): string => `client ${issuer}`;

/** Runs tasks one after another per key (an in-process mutex). */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => {},
      () => {},
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}

/** A store in this process's memory: tokens last as long as the process. */
export class MemoryTokenStore implements TokenStore {
  readonly #records = new Map<string, StoredRecord>();
  readonly #mutex = new KeyedMutex();

  async load(key: string): Promise<StoredRecord | undefined> {
    const record = this.#records.get(key);
    return record === undefined ? undefined : structuredClone(record);
  }

  async save(key: string, record: StoredRecord | undefined): Promise<void> {
    if (record === undefined) this.#records.delete(key);
    else this.#records.set(key, structuredClone(record));
  }

  lock<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.#mutex.run(key, task);
  }
}
