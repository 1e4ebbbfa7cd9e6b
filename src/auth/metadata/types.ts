/**
 * The metadata documents both sides of MCP authorization exchange, as far as erlmcp reads or writes
 * them. Unknown members are kept (index signature): servers add their own.
 */

/** RFC 9728 §2: what a protected resource (an MCP server) says about itself. */
export interface ProtectedResourceMetadata {
  /** The resource identifier; a client checks it covers the endpoint it asked. */
  resource: string;
  /** Issuer identifiers of the authorization servers that issue tokens for this resource. */
  authorization_servers?: string[];
  /** The scopes needed for basic use; a client requests them when a challenge names none. */
  scopes_supported?: string[];
  bearer_methods_supported?: string[];
  resource_name?: string;
  resource_documentation?: string;
  [member: string]: unknown;
}

/** RFC 8414 §2 / OpenID Connect Discovery §3: what an authorization server says about itself. */
export interface AuthorizationServerMetadata {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  registration_endpoint?: string;
  jwks_uri?: string;
  scopes_supported?: string[];
  response_types_supported?: string[];
  grant_types_supported?: string[];
  code_challenge_methods_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  token_endpoint_auth_signing_alg_values_supported?: string[];
  /** RFC 9207: the authorization response carries `iss`. */
  authorization_response_iss_parameter_supported?: boolean;
  /** OAuth Client ID Metadata Documents: an HTTPS URL may serve as `client_id`. */
  client_id_metadata_document_supported?: boolean;
  dpop_signing_alg_values_supported?: string[];
  [member: string]: unknown;
}
