export { CENSOR, censorSecrets, SECRET_KEY } from './redact.js';
export { enableRequestLogs, type RequestLogLine, type RequestLogOptions } from './request-logs.js';
