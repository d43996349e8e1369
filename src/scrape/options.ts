// The limits and politeness settings of a scrape. The worker fills these from its configuration;
// tests pass their own. Defaults are chosen for a worker that scrapes strangers' sites.

export interface ScrapeOptions {
  /** Time allowed to establish the TCP (and TLS) connection to one host. */
  connectTimeoutMs: number;
  /** Time allowed for one fetch from first byte sent to last byte read, redirects included. */
  totalTimeoutMs: number;
  /** Largest body accepted, counted after decompression so a compression bomb is stopped. */
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  /** Lets sources point at loopback/private/link-local addresses. Only for tests and local demos. */
  allowPrivateAddresses: boolean;
  /**
   * Host names (as written in source URLs) trusted to be on a private network, e.g. an internal feed
   * mirror. Narrower than allowPrivateAddresses: redirects elsewhere are still checked.
   */
  allowedPrivateHosts: readonly string[];
  /** HTTP(S) proxy for every source without its own (`http://user:pass@host:port`). */
  proxyUrl?: string;
  /** robots.txt is honoured for HTML pages unless this is false. Feeds exist to be fetched. */
  respectRobotsTxt: boolean;
  /** Minimum gap between two requests to the same host. */
  perHostSpacingMs: number;
  /** Sources fetched at the same time within one run. */
  concurrency: number;
  /** A source that fails on this many consecutive runs is disabled. */
  sourceFailureThreshold: number;
  /** A 429/503 asking us to wait longer than this is treated as non-retryable for this run. */
  maxRetryAfterMs: number;
}

export const DEFAULT_USER_AGENT =
  'auto-scrape-scheduler/0.1 (threat-intelligence feed reader; polite, honours robots.txt for pages)';

export const DEFAULT_SCRAPE_OPTIONS: Readonly<ScrapeOptions> = Object.freeze({
  connectTimeoutMs: 10_000,
  totalTimeoutMs: 30_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  userAgent: DEFAULT_USER_AGENT,
  allowPrivateAddresses: false,
  allowedPrivateHosts: [],
  respectRobotsTxt: true,
  perHostSpacingMs: 1_000,
  concurrency: 4,
  sourceFailureThreshold: 5,
  maxRetryAfterMs: 5 * 60_000,
});

export function withDefaults(partial: Partial<ScrapeOptions> = {}): ScrapeOptions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_SCRAPE_OPTIONS, ...defined } as ScrapeOptions;
}
