/**
 * The JSON Schema of `erlmcp serve` configuration (file, environment, flags). It is also the source
 * of the environment variable names: `limits.maxInFlight` ↔ `ERLMCP_LIMITS_MAX_IN_FLIGHT`.
 */
const positiveInteger = { type: 'integer', minimum: 1 } as const;
const milliseconds = { type: 'number', minimum: 0 } as const;
const rate = {
  oneOf: [
    { const: false },
    {
      type: 'object',
      properties: {
        perSecond: { type: 'number', exclusiveMinimum: 0 },
        burst: { type: 'number', minimum: 1 },
      },
      required: ['perSecond', 'burst'],
      additionalProperties: false,
    },
  ],
} as const;

export const CONFIG_SCHEMA = {
  type: 'object',
  properties: {
    module: { type: 'string', minLength: 1 },
    transport: { enum: ['stdio', 'http', 'ws', 'tcp'] },
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    path: { type: 'string', pattern: '^/' },
    workers: { type: 'integer', minimum: 1, maximum: 256 },
    observer: { oneOf: [{ type: 'boolean' }, { type: 'string', pattern: '^/' }] },
    tls: {
      type: 'object',
      properties: {
        cert: { type: 'string', minLength: 1 },
        key: { type: 'string', minLength: 1 },
        clientCa: { type: 'string', minLength: 1 },
        requireClientCert: { type: 'boolean' },
      },
      required: ['cert', 'key'],
      additionalProperties: false,
    },
    redis: {
      type: 'object',
      properties: {
        // One server, or a Redis Cluster's seed nodes separated by commas.
        url: { type: 'string', pattern: '^rediss?://' },
        cluster: { type: 'boolean' },
      },
      required: ['url'],
      additionalProperties: false,
    },
    auth: {
      type: 'object',
      properties: {
        issuer: { type: 'string', pattern: '^https?://' },
        audience: { type: 'string', minLength: 1 },
        resource: { type: 'string', pattern: '^https?://' },
        jwksUrl: { type: 'string', pattern: '^https?://' },
        introspection: {
          type: 'object',
          properties: {
            url: { type: 'string', pattern: '^https?://' },
            clientId: { type: 'string', minLength: 1 },
            clientSecret: { type: 'string', minLength: 1 },
          },
          required: ['clientId', 'clientSecret'],
          additionalProperties: false,
        },
        requiredScopes: { type: 'array', items: { type: 'string', minLength: 1 } },
        scopesSupported: { type: 'array', items: { type: 'string', minLength: 1 } },
        adminScopes: {
          oneOf: [{ const: 'open' }, { type: 'array', items: { type: 'string', minLength: 1 } }],
        },
        clockSkewSeconds: { type: 'number', minimum: 0 },
      },
      required: ['issuer'],
      additionalProperties: false,
    },
    http: {
      type: 'object',
      properties: {
        maxBodyBytes: positiveInteger,
        receiveTimeoutMs: milliseconds,
        maxResumableBytesPerSession: positiveInteger,
        resumeWindowMs: milliseconds,
        trustedProxies: { type: 'array', items: { type: 'string', minLength: 1 } },
        sessionIdleMs: milliseconds,
        maxSseBufferBytes: positiveInteger,
        keepAliveMs: milliseconds,
        retryMs: milliseconds,
        responseMode: { enum: ['auto', 'json', 'sse'] },
        allowedHosts: { oneOf: [{ const: '*' }, { type: 'array', items: { type: 'string' } }] },
        allowedOrigins: { oneOf: [{ const: '*' }, { type: 'array', items: { type: 'string' } }] },
        metricsPath: { oneOf: [{ const: false }, { type: 'string', pattern: '^/' }] },
        healthPaths: {
          oneOf: [
            { const: false },
            {
              type: 'object',
              properties: {
                live: { type: 'string', pattern: '^/' },
                ready: { type: 'string', pattern: '^/' },
              },
              required: ['live', 'ready'],
              additionalProperties: false,
            },
          ],
        },
      },
      additionalProperties: false,
    },
    limits: {
      type: 'object',
      properties: {
        maxSessions: positiveInteger,
        maxSessionsPerPrincipal: positiveInteger,
        maxInFlight: positiveInteger,
        maxInFlightPerSession: positiveInteger,
        maxStreamsPerSession: positiveInteger,
        maxEventLoopDelayMs: milliseconds,
        maxEventLoopUtilization: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        retryAfterMs: milliseconds,
        drainTimeoutMs: milliseconds,
        rate: {
          type: 'object',
          properties: { perSession: rate, perPrincipal: rate, perIp: rate },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
} as const;
