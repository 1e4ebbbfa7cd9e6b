import diagnostics_channel from 'node:diagnostics_channel';
import { trace } from '@opentelemetry/api';
import { type Level, type Logger, pino } from 'pino';
import { channels, type RequestEvent } from '../../core/diagnostics.js';
import { isPlainRecord } from '../../jsonrpc/message.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { spanContextOf } from '../tracing/server-spans.js';
import { CENSOR, censorSecrets } from './redact.js';

export interface RequestLogOptions {
  /** Default: pino writing JSON lines to stderr. */
  logger?: Logger;
  /**
   * The lowest level written (successful requests log at `info`, failures at `warn`/`error`).
   * Default `info`; a given `logger` keeps its own level unless this is set.
   */
  level?: Level;
  /** Extra paths to censor (pino `redact` syntax), e.g. `arguments.card.number`. */
  redact?: string[];
  /**
   * Log `tools/call` / `prompts/get` arguments, with secrets censored (keys like token, secret,
   * password, authorization, api key; Bearer/Basic values; the `redact` paths). Default false.
   */
  logArguments?: boolean;
}

/** The fields of one request's log line. */
export interface RequestLogLine {
  method: string;
  target?: string;
  era?: 'legacy' | 'modern';
  protocolVersion?: string;
  transport: string;
  durationMs?: number;
  outcome?: string;
  errorCode?: number;
  sessionId?: string;
  principal?: string;
  traceId?: string;
  spanId?: string;
  arguments?: unknown;
}

/**
 * One structured log line per request served, written when it ends: `info` when it succeeded or was
 * cancelled, `warn` for a tool error or a request refused with a JSON-RPC error, `error` for an
 * internal error (a handler crash, a timeout). Returns the disposer (idempotent).
 */
export function enableRequestLogs(options: RequestLogOptions = {}): () => void {
  const redact = options.redact?.length ? { paths: options.redact, censor: CENSOR } : undefined;
  // A given logger keeps its own level unless `level` is set.
  const logger = options.logger
    ? options.logger.child(
        {},
        { ...(options.level ? { level: options.level } : {}), ...(redact ? { redact } : {}) },
      )
    : pino(
        { name: 'erlmcp', level: options.level ?? 'info', ...(redact ? { redact } : {}) },
        pino.destination(2),
      );
  const logArguments = options.logArguments === true;

  const onEnd = (message: unknown): void => {
    const event = message as RequestEvent;
    const line = logLine(event, logArguments);
    logger[levelOf(event)](line, line.target === undefined ? line.method : `${line.method} ${line.target}`);
  };
  const name = channels.requestEnd.name as string;
  diagnostics_channel.subscribe(name, onEnd);
  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    diagnostics_channel.unsubscribe(name, onEnd);
  };
}

function levelOf(event: RequestEvent): 'info' | 'warn' | 'error' {
  if (event.outcome === 'tool_error') return 'warn';
  if (event.outcome !== 'error') return 'info';
  return event.errorCode === undefined || event.errorCode === ErrorCode.InternalError ? 'error' : 'warn';
}

export function logLine(event: RequestEvent, logArguments: boolean): RequestLogLine {
  const line: RequestLogLine = { method: event.method, transport: event.transport };
  if (event.target !== undefined) line.target = event.target;
  if (event.era !== undefined) line.era = event.era;
  if (event.protocolVersion !== undefined) line.protocolVersion = event.protocolVersion;
  if (event.durationMs !== undefined) line.durationMs = Math.round(event.durationMs * 1000) / 1000;
  if (event.outcome !== undefined) line.outcome = event.outcome;
  if (event.errorCode !== undefined) line.errorCode = event.errorCode;
  if (event.sessionId !== undefined) line.sessionId = event.sessionId;
  if (event.principal !== undefined) line.principal = event.principal;
  // The request's span when erlmcp traces; else whatever span is active (an HTTP instrumentation's).
  const span = spanContextOf(event) ?? trace.getActiveSpan()?.spanContext();
  if (span !== undefined && trace.isSpanContextValid(span)) {
    line.traceId = span.traceId;
    line.spanId = span.spanId;
  }
  if (logArguments && isPlainRecord(event.params.arguments))
    line.arguments = censorSecrets(event.params.arguments);
  return line;
}
