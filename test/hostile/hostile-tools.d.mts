import type { McpServer } from '../../src/server/mcp-server.js';

export interface ToolStats {
  /** `slow` calls that started. */
  started: number;
  /** `slow` calls whose signal aborted (client gone or cancelled). */
  aborted: number;
}

/** What the probe tool reports, parsed. */
export interface Probe extends ToolStats {
  changes: string[];
  inFlight: number;
  sessions: number;
}

export function prototypeChanges(): string[];
export function registerHostileTools(server: McpServer, stats?: ToolStats): ToolStats;
