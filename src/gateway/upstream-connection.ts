import { Client } from '../client/client.js';
import type { CallOptions } from '../client/client-core.js';
import { keepConnected } from '../client/keep-connected.js';
import type { CircuitBreaker } from '../client/resilience/circuit-breaker.js';
import type { Transport } from '../core/transport.js';
import { McpError } from '../jsonrpc/errors.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { DownstreamCall } from './downstream-call.js';

/** Everything a gateway can relay, so an upstream never holds back a feature for want of it. */
const RELAYED_CAPABILITIES = {
  sampling: {},
  elicitation: { form: {}, url: {} },
  roots: { listChanged: true },
};

export interface ConnectionSettings {
  name: string;
  era: 'auto' | 'modern' | 'legacy';
  timeoutMs: number;
  breaker: CircuitBreaker;
  restart: { maxRestarts: number; periodMs: number; maxDelayMs: number };
  transport: () => Transport;
  onUp: (connection: UpstreamConnection) => void;
  onDown: (connection: UpstreamConnection, error: Error | undefined) => void;
  diagnostic: (message: string) => void;
}

/**
 * One supervised connection to an upstream: reconnected with backoff within a restart budget. A
 * call that may involve the caller (tools/call, prompts/get) leases it alone, so what the upstream
 * asks or logs during the call has one place to go even where the wire does not say which request
 * it belongs to (stdio, 2025 server→client requests).
 */
export class UpstreamConnection {
  readonly client: Client;
  #lease: DownstreamCall | undefined;
  /** Taken by one call (set by the pool before the call starts, cleared when it settles). */
  reserved = false;
  /** Change notifications are followed on this connection (the pool's primary). */
  followed = false;
  #supervisor: { ready: Promise<void>; stop: () => Promise<void> } | undefined;
  #transport: Transport | undefined;
  #up = false;

  constructor(
    readonly index: number,
    private readonly settings: ConnectionSettings,
  ) {
    this.client = new Client(
      { name: `erlmcp-gateway/${settings.name}`, version: '0.1.0' },
      {
        versionNegotiation: settings.era,
        capabilities: RELAYED_CAPABILITIES,
        onServerRequest: (method, params) => this.#relay(method, params),
        circuitBreaker: settings.breaker,
        requestTimeoutMs: settings.timeoutMs,
        // Notifications nobody downstream asked for (an upstream's own logs) are not news.
        onDiagnostic: (message) => {
          if (!message.startsWith('no handler for')) settings.diagnostic(message);
        },
      },
    );
    this.client.onNotification('notifications/message', (params) => this.#lease?.log(params));
    this.client.onDisconnect((error) => {
      this.#up = false;
      settings.onDown(this, error);
    });
  }

  get up(): boolean {
    return this.#up && this.client.connected;
  }

  get leased(): boolean {
    return this.reserved;
  }

  /** Connects (the first attempt's failure is the caller's); later losses reconnect on their own. */
  async start(): Promise<void> {
    const { restart } = this.settings;
    const supervisor = keepConnected(this.client, () => (this.#transport = this.settings.transport()), {
      initialDelayMs: 100,
      maxDelayMs: restart.maxDelayMs,
      maxRestarts: restart.maxRestarts,
      periodMs: restart.periodMs,
      onReconnect: () => this.#connected(),
      onGiveUp: (error) =>
        this.settings.diagnostic(
          `upstream ${this.settings.name}: gave up reconnecting after ${restart.maxRestarts} restarts in ${restart.periodMs} ms (${error?.message ?? 'closed'})`,
        ),
    });
    try {
      await supervisor.ready;
    } catch (error) {
      // A first attempt that failed leaves no supervisor behind: the caller's retry makes a new one.
      await supervisor.stop();
      throw error;
    }
    this.#supervisor = supervisor;
    this.#connected();
  }

  #connected(): void {
    this.#up = true;
    this.settings.onUp(this);
  }

  /** Runs one request; with a downstream, the connection is this call's alone until it settles. */
  async request(
    method: string,
    params: Record<string, unknown>,
    options: CallOptions,
    downstream: DownstreamCall | undefined,
  ): Promise<Record<string, unknown>> {
    if (downstream) this.#lease = downstream;
    try {
      return await this.client.request(method, params, {
        ...options,
        ...(downstream ? { onInput: (m, p, _signal, key) => downstream.answer(m, p, key) } : {}),
      });
    } catch (error) {
      this.checkSession();
      throw error;
    } finally {
      if (downstream) this.#lease = undefined;
    }
  }

  /**
   * A 2025 HTTP session the upstream no longer knows (it restarted: 404, and the transport forgot
   * the session id) is a lost connection: closing it makes the supervisor initialize a new one.
   */
  checkSession(): void {
    const transport = this.#transport;
    if (transport && 'sessionExpired' in transport && transport.sessionExpired === true)
      void transport.close();
  }

  #relay(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const lease = this.#lease;
    // Roots asked outside a call (a 2025 server asks right after initialize): the gateway offers none of its own.
    if (!lease && method === 'roots/list') return Promise.resolve({ roots: [] });
    if (!lease) {
      return Promise.reject(
        new McpError(
          ErrorCode.InvalidRequest,
          `${method} outside a tool call cannot reach a user through the gateway`,
        ),
      );
    }
    return lease.answer(method, params);
  }

  async close(): Promise<void> {
    this.#up = false;
    await (this.#supervisor ? this.#supervisor.stop() : this.client.close());
  }
}
