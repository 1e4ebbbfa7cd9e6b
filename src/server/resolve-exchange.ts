import type { AuthInfo } from '../core/auth-info.js';
import { invalidParams, McpError } from '../jsonrpc/errors.js';
import { isPlainRecord, type JsonRpcRequest } from '../jsonrpc/message.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { MetaKey } from '../protocol/meta-keys.js';
import type {
  ClientCapabilities,
  Implementation,
  LoggingLevel,
  ProgressToken,
  RequestId,
} from '../protocol/types.js';
import { type Era, isModernVersion, SUPPORTED_VERSIONS } from '../protocol/versions.js';
import type { Exchange, PeerLink, SessionRecord } from './exchange.js';
import { isLoggingLevel } from './handlers/lifecycle.js';

export interface Incoming {
  link: PeerLink;
  session: SessionRecord | undefined;
  principal: string | undefined;
  /** The verified credentials of the request, when an authorization layer checked them. */
  auth?: AuthInfo | undefined;
  /** The transport the request came on, for observability. Default `custom`. */
  transport?: string | undefined;
}

/** Where a request's abort state comes from: a lazily created controller, or a fixed signal. */
export interface AbortSource {
  readonly signal: AbortSignal;
  readonly aborted: boolean;
  onAbort(listener: (reason: unknown) => void): () => void;
}

/** Told of progress (which moves the request's idle deadline). */
export interface ProgressListener {
  touch(): void;
}

const NO_PROGRESS_LISTENER: ProgressListener = { touch: () => {} };

/** One class with fixed fields, so the hot path stays monomorphic. */
class RequestExchange implements Exchange {
  constructor(
    readonly id: RequestId,
    readonly method: string,
    readonly params: Record<string, unknown>,
    readonly era: Era,
    readonly protocolVersion: string,
    readonly clientInfo: Implementation | undefined,
    readonly clientCapabilities: ClientCapabilities,
    readonly logLevel: LoggingLevel | undefined,
    readonly progressToken: ProgressToken | undefined,
    readonly principal: string | undefined,
    readonly auth: AuthInfo | undefined,
    readonly session: SessionRecord | undefined,
    readonly link: PeerLink,
    private readonly abort: AbortSource,
    private readonly progress: ProgressListener,
  ) {}

  touch(): void {
    this.progress.touch();
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get aborted(): boolean {
    return this.abort.aborted;
  }

  onAbort(listener: (reason: unknown) => void): () => void {
    return this.abort.onAbort(listener);
  }

  withSignal(signal: AbortSignal): Exchange {
    const source: AbortSource = {
      signal,
      get aborted() {
        return signal.aborted;
      },
      onAbort(listener) {
        const relay = () => listener(signal.reason);
        if (signal.aborted) relay();
        else signal.addEventListener('abort', relay, { once: true });
        return () => signal.removeEventListener('abort', relay);
      },
    };
    return new RequestExchange(
      this.id,
      this.method,
      this.params,
      this.era,
      this.protocolVersion,
      this.clientInfo,
      this.clientCapabilities,
      this.logLevel,
      this.progressToken,
      this.principal,
      this.auth,
      this.session,
      this.link,
      source,
      NO_PROGRESS_LISTENER,
    );
  }
}

/**
 * Decides the era of one request and builds its Exchange. A request whose `_meta` carries the 2026
 * keys is served statelessly; otherwise it belongs to the 2025 session of its connection.
 */
export function resolveExchange(
  request: JsonRpcRequest,
  incoming: Incoming,
  abort: AbortSource,
  progress: ProgressListener,
): Exchange {
  const params = request.params ?? {};
  const meta = params._meta;
  const metaRecord = meta !== undefined && isPlainRecord(meta) ? meta : undefined;
  const version = metaRecord?.[MetaKey.protocolVersion];
  const token = metaRecord?.progressToken;
  const progressToken = typeof token === 'string' || typeof token === 'number' ? token : undefined;
  const session = incoming.session;
  const looksModern =
    metaRecord !== undefined &&
    (version !== undefined || metaRecord[MetaKey.clientCapabilities] !== undefined);

  if (looksModern && !(session && !isModernVersion(version))) {
    if (typeof version !== 'string') {
      throw invalidParams(`Missing _meta["${MetaKey.protocolVersion}"]`, {
        missing: MetaKey.protocolVersion,
      });
    }
    if (!isModernVersion(version)) {
      throw new McpError(ErrorCode.UnsupportedProtocolVersion, 'Unsupported protocol version', {
        supported: [...SUPPORTED_VERSIONS],
        requested: version,
      });
    }
    const capabilities = metaRecord[MetaKey.clientCapabilities];
    if (!isPlainRecord(capabilities)) {
      throw invalidParams(`Missing _meta["${MetaKey.clientCapabilities}"]`, {
        missing: MetaKey.clientCapabilities,
      });
    }
    const logLevel = metaRecord[MetaKey.logLevel];
    if (logLevel !== undefined && !isLoggingLevel(logLevel))
      throw invalidParams(`Invalid _meta["${MetaKey.logLevel}"]`);
    const info = metaRecord[MetaKey.clientInfo];
    return new RequestExchange(
      request.id,
      request.method,
      params,
      'modern',
      version,
      isPlainRecord(info) ? (info as unknown as Implementation) : undefined,
      capabilities as ClientCapabilities,
      logLevel,
      progressToken,
      incoming.principal,
      incoming.auth,
      undefined,
      incoming.link,
      abort,
      progress,
    );
  }
  if (!session) {
    throw invalidParams(
      `Missing _meta["${MetaKey.protocolVersion}"] (2026-07-28 requests carry it; 2025 clients must call initialize first)`,
      { missing: MetaKey.protocolVersion },
    );
  }
  return new RequestExchange(
    request.id,
    request.method,
    params,
    'legacy',
    session.protocolVersion,
    session.clientInfo,
    session.clientCapabilities,
    session.logLevel,
    progressToken,
    incoming.principal,
    incoming.auth,
    session,
    incoming.link,
    abort,
    progress,
  );
}
