// robots.txt for HTML pages. Feeds are published to be polled, so only pages are checked; the file is
// fetched once per origin per run, with the same guards as any other fetch.
import robotsParser from 'robots-parser';
import { ScrapeError, isScrapeError } from './errors.js';
import { safeFetch, type FetchOptions } from './fetch.js';

/** Google's documented limit; anything larger is not a robots.txt anyone meant. */
const ROBOTS_MAX_BYTES = 500 * 1024;

type Rules = { isAllowed(url: string, ua?: string): boolean | undefined };
const allowAll: Rules = { isAllowed: () => true };

/** The product token robots.txt groups are matched against: the User-Agent up to its first "/" or space. */
export function productToken(userAgent: string): string {
  return userAgent.split(/[/\s]/)[0] || userAgent;
}

export class RobotsCache {
  private readonly byOrigin = new Map<string, Promise<Rules>>();

  constructor(private readonly options: FetchOptions) {}

  /** Throws ROBOTS_DISALLOWED when the page may not be fetched. */
  async assertAllowed(pageUrl: string, signal?: AbortSignal, proxyUrl?: string | null): Promise<void> {
    const origin = new URL(pageUrl).origin;
    let rules = this.byOrigin.get(origin);
    if (!rules) {
      rules = this.load(origin, signal, proxyUrl);
      this.byOrigin.set(origin, rules);
      // A cancelled or failed load must not poison later sources on the same host in this run.
      rules.catch(() => this.byOrigin.delete(origin));
    }
    const allowed = (await rules).isAllowed(pageUrl, productToken(this.options.userAgent));
    if (allowed === false) {
      throw new ScrapeError('ROBOTS_DISALLOWED', `robots.txt of ${origin} does not allow fetching ${pageUrl}`, { retryable: false, url: pageUrl });
    }
  }

  private async load(origin: string, signal?: AbortSignal, proxyUrl?: string | null): Promise<Rules> {
    const url = `${origin}/robots.txt`;
    try {
      const res = await safeFetch({ url, purpose: 'robots', ...(proxyUrl !== undefined ? { proxyUrl } : {}) }, { ...this.options, maxBytes: ROBOTS_MAX_BYTES }, signal);
      if (res.notModified) return allowAll;
      return (robotsParser as unknown as (url: string, body: string) => Rules)(url, res.body);
    } catch (err) {
      // RFC 9309: a robots.txt that doesn't exist (4xx) allows everything; server errors and network
      // failures are not a licence to crawl, so they fail this source for this run.
      if (isScrapeError(err) && err.status !== undefined && err.status >= 400 && err.status < 500 && err.code !== 'RATE_LIMITED') return allowAll;
      if (isScrapeError(err) && err.code === 'TOO_LARGE') return allowAll;
      throw err;
    }
  }
}
