import { Client } from '../client/client.js';
import type { VersionNegotiation } from '../client/options.js';
import { McpError } from '../jsonrpc/errors.js';
import { type Target, transportFor } from './target.js';
import { UsageError } from './usage-error.js';

/** `--era`: which protocol era the client speaks; absent means try 2026, fall back to 2025. */
export function eraOption(era: string | undefined): VersionNegotiation {
  if (era === undefined) return 'auto';
  if (era === 'modern' || era === 'legacy') return era;
  throw new UsageError(`--era must be modern (2026) or legacy (2025) (got "${era}")`);
}

/** Connects, runs `work`, and always closes (a stdio server is shut down, not left behind). */
export async function withClient<T>(
  target: Target,
  versionNegotiation: VersionNegotiation,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ name: 'erlmcp-cli', version: '0.1.0' }, { versionNegotiation });
  await client.connect(transportFor(target));
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/** A server's JSON-RPC error as one line for stderr; anything else is rethrown to main's handler. */
export function serverErrorLine(error: unknown): string {
  if (error instanceof McpError) return `server error ${error.code}: ${error.message}`;
  throw error;
}
