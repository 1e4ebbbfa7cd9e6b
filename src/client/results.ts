import { ErlmcpError } from '../jsonrpc/errors.js';
import { methodRow } from '../protocol/methods.js';
import type {
  CallToolResult,
  CompleteResult,
  GetPromptResult,
  Implementation,
  PromptMetadata,
  ReadResourceResult,
  ResourceMetadata,
  ResourceTemplateMetadata,
  ServerCapabilities,
  Tool,
} from '../protocol/types.js';

/** Fields every 2026 result may carry. */
export interface ResultBase {
  resultType?: string;
  _meta?: Record<string, unknown>;
}
export interface CacheHints {
  ttlMs?: number;
  cacheScope?: 'public' | 'private';
}
export interface Page {
  nextCursor?: string;
}

export type ListToolsResult = ResultBase & CacheHints & Page & { tools: Tool[] };
export type ListResourcesResult = ResultBase & CacheHints & Page & { resources: ResourceMetadata[] };
export type ListResourceTemplatesResult = ResultBase &
  CacheHints &
  Page & { resourceTemplates: ResourceTemplateMetadata[] };
export type ListPromptsResult = ResultBase & CacheHints & Page & { prompts: PromptMetadata[] };
export type ReadResult = ResultBase & CacheHints & ReadResourceResult;
export type PromptResult = ResultBase & GetPromptResult;
export type ToolResult = ResultBase & CallToolResult;
export type CompletionResult = ResultBase & CompleteResult;
export type DiscoverResult = ResultBase &
  CacheHints & { supportedVersions: string[]; capabilities: ServerCapabilities; instructions?: string };
export interface InitializeResult {
  protocolVersion: string;
  capabilities: ServerCapabilities;
  serverInfo: Implementation;
  instructions?: string;
}

export function checkResultShape(method: string, result: Record<string, unknown>): void {
  const check = methodRow(method)?.resultCheck;
  if (check && !check(result)) {
    throw new ErlmcpError('ERR_INVALID_RESPONSE', `The server's ${method} result has the wrong shape`);
  }
}
