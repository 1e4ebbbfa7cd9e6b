/**
 * A conformance-suite client built on the erlmcp client: `node dist/examples/conformance-client.js <url>`
 * with the scenario in MCP_CONFORMANCE_SCENARIO (the suite appends the URL and sets the variable).
 */
import { type AuthorizationPrompt, idJagAssertion, OAuthClient } from '../src/exports/auth.js';
import { StreamableHttpClientTransport } from '../src/exports/http.js';
import { Client, type VersionNegotiation } from '../src/index.js';

const url = process.argv.at(-1);
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
if (!url?.startsWith('http')) {
  process.stderr.write('usage: conformance-client <url>\n');
  process.exit(2);
}

const client = new Client(
  { name: 'erlmcp-conformance-client', version: '0.1.0' },
  {
    versionNegotiation:
      scenario === 'initialize' || scenario === 'sse-retry'
        ? 'legacy'
        : // Auth scenarios: the revision the suite runs at (an authorization inside the era probe
          // can outlast its timeout when the suite runs many clients at once).
          scenario.startsWith('auth/') && process.env.MCP_CONFORMANCE_PROTOCOL_VERSION
          ? ({ pin: process.env.MCP_CONFORMANCE_PROTOCOL_VERSION } as VersionNegotiation)
          : 'auto',
    // The suite may run dozens of clients at once on a small machine: a slow answer to the era probe
    // is not a missing one.
    probeTimeoutMs: 20_000,
    // Accept every elicitation with no content: the client fills in the schema defaults (SEP-1034).
    elicitation: async () => ({ action: 'accept', content: {} }),
    sampling: async () => ({
      role: 'assistant',
      content: { type: 'text', text: 'conformance' },
      model: 'erlmcp-test',
    }),
    roots: [{ uri: 'file:///conformance', name: 'conformance' }],
    onDiagnostic: (message) => process.stderr.write(`[client] ${message}\n`),
  },
);

const auth = scenario.startsWith('auth/') ? conformanceAuth() : undefined;
await client.connect(
  new StreamableHttpClientTransport(url, {
    onDiagnostic: (message) => process.stderr.write(`[client] ${message}\n`),
    ...(auth ? { auth } : {}),
  }),
);
try {
  const tools = await client.listAllTools();
  const preserved = tools.find((tool) => tool.name === 'json_schema_2020_12_tool');
  for (const tool of tools) {
    // The schema-preservation scenario wants the listed schema echoed back verbatim.
    const args =
      tool.name === 'json_schema_echo' && preserved
        ? { schema: preserved.inputSchema }
        : sampleArguments(tool.inputSchema);
    try {
      await client.callTool(tool.name, args);
    } catch (error) {
      process.stderr.write(`[client] ${tool.name}: ${String(error)}\n`);
    }
  }
} finally {
  await client.close();
}

/**
 * Plausible arguments for a tool: every property filled with a value of its type, shaped by its
 * description where the scenario asks for a kind of value (non-ASCII, padded, empty, null).
 */
function sampleArguments(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<
    string,
    { type?: string; enum?: unknown[]; description?: string }
  >;
  const args: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    const about = (property.description ?? '').toLowerCase();
    if (about.includes('will be null')) args[name] = null;
    else if (property.enum?.length) args[name] = property.enum[0];
    else if (property.type === 'string' && about.includes('non-ascii')) args[name] = 'Grüße, 世界';
    else if (property.type === 'string' && about.includes('leading space only')) args[name] = ' leading';
    else if (property.type === 'string' && about.includes('trailing space only')) args[name] = 'trailing ';
    else if (property.type === 'string' && about.includes('whitespace')) args[name] = '  padded  ';
    else if (property.type === 'string' && about.includes('empty string')) args[name] = '';
    else if (property.type === 'boolean' && about.includes('false')) args[name] = false;
    else if (property.type === 'number' && about.includes('floating')) args[name] = 3.14;
    else if (property.type === 'number' || property.type === 'integer') args[name] = name === 'b' ? 3 : 5;
    else if (property.type === 'boolean') args[name] = true;
    else if (property.type === 'string') args[name] = `value-${name}`;
  }
  return args;
}

/**
 * The OAuth client of the auth scenarios. The suite's authorization server approves at once: the
 * "browser" is a fetch of the authorization URL whose redirect carries the code. Scenario inputs
 * (pre-registered and client credentials) arrive in MCP_CONFORMANCE_CONTEXT.
 */
function conformanceAuth(): OAuthClient {
  const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? '{}') as Record<string, string>;
  if (scenario === 'auth/wif-jwt-bearer') {
    // Workload identity federation: the workload's JWT is the grant.
    return new OAuthClient({ jwtBearer: { assertion: context.valid_jwt!, clientId: context.client_id! } });
  }
  if (
    scenario === 'auth/enterprise-managed-authorization' ||
    scenario === 'auth/cross-app-access-complete-flow'
  ) {
    // The user's ID token becomes an ID-JAG at the enterprise IdP, presented to the MCP server's AS.
    return new OAuthClient({
      jwtBearer: {
        clientId: context.client_id!,
        clientSecret: context.client_secret!,
        assertion: idJagAssertion({
          tokenEndpoint: context.idp_token_endpoint!,
          idToken: context.idp_id_token!,
          clientId: context.idp_client_id!,
        }),
      },
    });
  }
  if (scenario.startsWith('auth/client-credentials')) {
    return new OAuthClient({
      clientCredentials: {
        clientId: context.client_id!,
        ...(context.client_secret ? { clientSecret: context.client_secret } : {}),
        ...(context.private_key_pem
          ? { privateKey: context.private_key_pem, algorithm: context.signing_algorithm ?? 'ES256' }
          : {}),
      },
    });
  }
  return new OAuthClient({
    redirectUri: 'http://localhost:3000/callback',
    clientName: 'erlmcp-conformance-client',
    clientMetadataUrl: 'https://conformance-test.local/client-metadata.json',
    ...(context.client_id
      ? {
          client: {
            client_id: context.client_id,
            client_secret: context.client_secret ?? '',
            ...(context.issuer ? { issuer: context.issuer } : {}),
          },
        }
      : {}),
    onAuthorizationUrl: followRedirect,
    dpop: scenario.startsWith('auth/dpop'),
  });
}

async function followRedirect({ url }: AuthorizationPrompt): Promise<string> {
  const response = await fetch(url, { redirect: 'manual' });
  await response.body?.cancel();
  const location = response.headers.get('location');
  if (!location) throw new Error(`the authorization endpoint answered ${response.status} without a redirect`);
  return location;
}
