// What an HTTP status means for whether trying again could help.
import { ScrapeError } from './errors.js';

/** Retry-After as milliseconds from now: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function errorForStatus(status: number, url: string, retryAfter: string | undefined, maxRetryAfterMs: number): ScrapeError {
  const where = { status, url };
  if (status === 404 || status === 410) {
    return new ScrapeError('NOT_FOUND', `${url} answered ${status}: the source is gone`, { retryable: false, ...where });
  }
  if (status === 429 || status === 503) {
    const code = status === 429 ? 'RATE_LIMITED' : 'SERVER_ERROR';
    const waitMs = parseRetryAfter(retryAfter);
    if (waitMs === undefined) {
      return new ScrapeError(code, `${url} answered ${status}`, { retryable: true, ...where });
    }
    if (waitMs > maxRetryAfterMs) {
      // Waiting that long would hold the activity past any sensible retry; the next scheduled run will try.
      return new ScrapeError(code, `${url} answered ${status} and asked us to wait ${Math.round(waitMs / 1000)} s, more than the ${Math.round(maxRetryAfterMs / 1000)} s we honour`, {
        retryable: false,
        ...where,
      });
    }
    return new ScrapeError(code, `${url} answered ${status}, retry after ${Math.round(waitMs / 1000)} s`, { retryable: true, retryAfterMs: waitMs, ...where });
  }
  if (status === 408) return new ScrapeError('TIMEOUT', `${url} answered 408 (request timeout)`, { retryable: true, ...where });
  if (status >= 500) return new ScrapeError('SERVER_ERROR', `${url} answered ${status}`, { retryable: true, ...where });
  return new ScrapeError('HTTP_ERROR', `${url} answered ${status}`, { retryable: false, ...where });
}
