// One error type for everything that can go wrong while scraping, classified once here so the
// workflow's retry policy can trust `retryable` instead of guessing from messages.

export type ScrapeErrorCode =
  | 'INVALID_URL'
  | 'BLOCKED_ADDRESS'
  | 'DNS_FAILURE'
  | 'CONNECT_TIMEOUT'
  | 'TIMEOUT'
  | 'CONNECTION_FAILED'
  | 'TLS_ERROR'
  | 'TOO_MANY_REDIRECTS'
  | 'BAD_REDIRECT'
  | 'HTTP_ERROR'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'SERVER_ERROR'
  | 'TOO_LARGE'
  | 'BAD_CONTENT_TYPE'
  | 'UNPARSEABLE'
  | 'NO_ITEMS_FOUND'
  | 'INVALID_SELECTOR'
  | 'ROBOTS_DISALLOWED'
  | 'CANCELLED'
  | 'NO_SETTINGS'
  | 'NO_ENABLED_SOURCES'
  | 'ALL_SOURCES_FAILED'
  | 'UNKNOWN';

export interface ScrapeErrorOptions {
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  url?: string;
  details?: unknown;
  cause?: unknown;
}

export class ScrapeError extends Error {
  override name = 'ScrapeError';
  readonly code: ScrapeErrorCode;
  readonly retryable: boolean;
  readonly status?: number;
  /** How long the server asked us to wait; only set when that wait is within the configured limit. */
  readonly retryAfterMs?: number;
  readonly url?: string;
  readonly details?: unknown;

  constructor(code: ScrapeErrorCode, message: string, options: ScrapeErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.url !== undefined) this.url = options.url;
    if (options.details !== undefined) this.details = options.details;
  }
}

export const isScrapeError = (e: unknown): e is ScrapeError => e instanceof ScrapeError;

/** Errno codes that mean the network hiccupped and a later attempt may well succeed. */
const transientErrnos = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

function errnoOf(err: unknown): string | undefined {
  let current: unknown = err;
  // Axios and Node wrap the interesting code a level or two down.
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ERR_BAD_RESPONSE' && code !== 'ERR_BAD_REQUEST') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Finds a ScrapeError anywhere in a cause chain (our lookup's errors arrive wrapped by Node and axios). */
function findScrapeError(err: unknown): ScrapeError | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    if (current instanceof ScrapeError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Normalises anything thrown during a fetch into a classified ScrapeError. */
export function toScrapeError(err: unknown, url?: string): ScrapeError {
  const found = findScrapeError(err);
  if (found) return found;
  const message = err instanceof Error ? err.message : String(err);
  const where = url ? { url } : {};
  const errno = errnoOf(err);
  if (errno === 'ERR_CANCELED' || (err instanceof Error && err.name === 'AbortError')) {
    return new ScrapeError('CANCELLED', 'The scrape was cancelled', { retryable: false, cause: err, ...where });
  }
  if (errno === 'ENOTFOUND') {
    return new ScrapeError('DNS_FAILURE', `The host name could not be resolved: ${message}`, { retryable: true, cause: err, ...where });
  }
  if (errno === 'ERR_INVALID_URL') {
    return new ScrapeError('INVALID_URL', message, { retryable: false, cause: err, ...where });
  }
  // A bad certificate does not fix itself between attempts; someone has to look at the source.
  if (errno && /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_)/.test(errno)) {
    return new ScrapeError('TLS_ERROR', `TLS failure (${errno}): ${message}`, { retryable: false, cause: err, ...where });
  }
  if (errno && transientErrnos.has(errno)) {
    const timeout = errno === 'ETIMEDOUT' || errno === 'ESOCKETTIMEDOUT' || errno === 'ECONNABORTED';
    return new ScrapeError(timeout ? 'TIMEOUT' : 'CONNECTION_FAILED', `${errno}: ${message}`, { retryable: true, cause: err, ...where });
  }
  return new ScrapeError('UNKNOWN', message, { retryable: true, cause: err, ...where });
}
