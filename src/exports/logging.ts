/** `erlmcp/logging`: one structured log line per request (pino), secrets redacted. */
export * from '../observability/logging/index.js';
