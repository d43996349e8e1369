import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeFetch, type FetchOptions, type FetchRequest } from '../src/scrape/fetch.js';
import { blockedReason } from '../src/scrape/address-guard.js';
import { RequestPacer } from '../src/scrape/host-spacing.js';
import { ScrapeError, toScrapeError } from '../src/scrape/errors.js';
import { DEFAULT_SCRAPE_OPTIONS } from '../src/scrape/options.js';
import { ETAG, LAST_MODIFIED, MB, startFixtureProxy, startFixtureServer, type FixtureServer } from './fixtures/feeds/server.js';

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => {
  await server?.close();
});

/** Loopback is reachable only because the fixture host is trusted by name; everything else stays guarded. */
const options = (overrides: Partial<FetchOptions> = {}): FetchOptions => ({
  ...DEFAULT_SCRAPE_OPTIONS,
  allowedPrivateHosts: ['127.0.0.1'],
  totalTimeoutMs: 10_000,
  maxBytes: 1 * MB,
  ...overrides,
});

const feed = (path: string, extra: Partial<FetchRequest> = {}): FetchRequest => ({ url: `${server.origin}${path}`, purpose: 'feed', ...extra });

async function failure(promise: Promise<unknown>): Promise<ScrapeError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ScrapeError);
    return err as ScrapeError;
  }
  throw new Error('expected the fetch to fail, it succeeded');
}

describe('blockedReason (the SSRF address classifier)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.100.100.200', 'shared address space'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00:ec2::254', 'unique local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
    ['not-an-ip', 'not an IP address'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(blockedReason(address)).toContain(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '172.32.0.1', '192.169.0.1'])('allows public %s', (address) => {
    expect(blockedReason(address)).toBeUndefined();
  });
});

describe('toScrapeError', () => {
  const withCode = (code: string) => Object.assign(new Error(code), { code });
  it.each([
    ['ECONNRESET', 'CONNECTION_FAILED', true],
    ['ETIMEDOUT', 'TIMEOUT', true],
    ['EAI_AGAIN', 'CONNECTION_FAILED', true],
    ['ENOTFOUND', 'DNS_FAILURE', true],
    ['CERT_HAS_EXPIRED', 'TLS_ERROR', false],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS_ERROR', false],
    ['ERR_CANCELED', 'CANCELLED', false],
  ])('classifies %s as %s (retryable %s)', (errno, code, retryable) => {
    expect(toScrapeError(withCode(errno))).toMatchObject({ code, retryable });
  });

  it('finds a ScrapeError wrapped in causes and keeps it as is', () => {
    const inner = new ScrapeError('BLOCKED_ADDRESS', 'no', { retryable: false });
    expect(toScrapeError(new Error('wrapper', { cause: new Error('middle', { cause: inner }) }))).toBe(inner);
  });
});

describe('safeFetch: the SSRF guard', () => {
  it('refuses a loopback URL when private addresses are not allowed, before sending anything', async () => {
    const before = server.hits.get('/cert.rss') ?? 0;
    const err = await failure(safeFetch(feed('/cert.rss'), options({ allowedPrivateHosts: [] })));
    expect(err.code).toBe('BLOCKED_ADDRESS');
    expect(err.retryable).toBe(false);
    expect(server.hits.get('/cert.rss') ?? 0).toBe(before);
  });

  it('checks the DNS answer, so a name that resolves to loopback is refused too', async () => {
    const err = await failure(safeFetch({ url: `http://localhost:${server.port}/cert.rss`, purpose: 'feed' }, options({ allowedPrivateHosts: [] })));
    expect(err.code).toBe('BLOCKED_ADDRESS');
    expect(err.message).toMatch(/loopback/);
  });

  it('re-checks every redirect: a trusted host redirecting to the metadata address is stopped', async () => {
    const err = await failure(safeFetch(feed('/redirect-to-metadata'), options({ connectTimeoutMs: 500 })));
    expect(err.code).toBe('BLOCKED_ADDRESS');
    expect(err.message).toContain('169.254.169.254');
  });

  it('re-checks every redirect through DNS as well (redirect to localhost)', async () => {
    const before = server.hits.get('/cert.rss') ?? 0;
    const err = await failure(safeFetch(feed('/redirect-to-localhost'), options()));
    expect(err.code).toBe('BLOCKED_ADDRESS');
    expect(server.hits.get('/cert.rss') ?? 0).toBe(before);
  });

  it('allows everything with the explicit allow flag', async () => {
    const res = await safeFetch({ url: `http://localhost:${server.port}/cert.rss`, purpose: 'feed' }, options({ allowedPrivateHosts: [], allowPrivateAddresses: true }));
    expect(res.notModified).toBe(false);
  });

  it('refuses non-http(s) URLs and redirects to them', async () => {
    expect((await failure(safeFetch({ url: 'file:///etc/passwd', purpose: 'feed' }, options()))).code).toBe('INVALID_URL');
    expect((await failure(safeFetch({ url: 'not a url', purpose: 'feed' }, options()))).code).toBe('INVALID_URL');
    expect((await failure(safeFetch(feed('/redirect-to-file'), options()))).code).toBe('INVALID_URL');
  });
});

describe('safeFetch: good responses', () => {
  it('fetches a feed with a descriptive User-Agent and returns its validators', async () => {
    const res = await safeFetch(feed('/cert.rss'), options({ userAgent: 'test-agent/1.0 (+contact)' }));
    expect(res.notModified).toBe(false);
    if (res.notModified) return;
    expect(res.body).toContain('CERT-2026-0142');
    expect(res.etag).toBe(ETAG);
    expect(res.lastModified).toBe(LAST_MODIFIED);
    expect(server.lastHeaders.get('/cert.rss')?.['user-agent']).toBe('test-agent/1.0 (+contact)');
  });

  it('decompresses gzip bodies', async () => {
    const res = await safeFetch(feed('/cert-gzip.rss'), options());
    expect(res.notModified === false && res.body.includes('CERT-2026-0142')).toBe(true);
  });

  it('follows a relative redirect within the limit', async () => {
    const res = await safeFetch(feed('/redirect-to-feed'), options());
    expect(res.finalUrl).toBe(`${server.origin}/cert.rss`);
  });

  it('decodes a windows-1252 page using its <meta> declaration', async () => {
    const res = await safeFetch({ url: `${server.origin}/win1252.html`, purpose: 'html' }, options());
    expect(res.notModified === false && res.charset).toBe('windows-1252');
    expect(res.notModified === false && res.body).toContain('Vulnérabilité critique – exécution');
  });

  it('sends conditional headers and reports 304 as notModified without a body', async () => {
    const byEtag = await safeFetch(feed('/cert.rss', { etag: ETAG }), options());
    expect(byEtag).toEqual({ notModified: true, finalUrl: `${server.origin}/cert.rss`, status: 304, etag: ETAG });
    expect(server.lastHeaders.get('/cert.rss')?.['if-none-match']).toBe(ETAG);
    const byDate = await safeFetch(feed('/cert.rss', { lastModified: LAST_MODIFIED }), options());
    expect(byDate.notModified).toBe(true);
    expect(server.lastHeaders.get('/cert.rss')?.['if-modified-since']).toBe(LAST_MODIFIED);
  });

  it('goes through a per-request proxy when one is given', async () => {
    const proxy = await startFixtureProxy();
    try {
      const res = await safeFetch(feed('/atom.xml', { proxyUrl: proxy.url }), options());
      expect(res.notModified === false && res.body).toContain('BlackLotus');
      expect(proxy.requests).toEqual([`${server.origin}/atom.xml`]);
    } finally {
      await proxy.close();
    }
  });

  it('still refuses blocked targets when a proxy does the resolving', async () => {
    const proxy = await startFixtureProxy();
    try {
      const err = await failure(safeFetch({ url: `http://localhost:${server.port}/cert.rss`, purpose: 'feed', proxyUrl: proxy.url }, options({ allowedPrivateHosts: [] })));
      expect(err.code).toBe('BLOCKED_ADDRESS');
      expect(proxy.requests).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe('safeFetch: hostile and failing responses', () => {
  it('stops a 50 MB body declared in Content-Length without reading it', async () => {
    const err = await failure(safeFetch(feed('/huge'), options()));
    expect(err.code).toBe('TOO_LARGE');
    expect(err.retryable).toBe(false);
  });

  it('stops a 50 MB chunked body once the cap is passed', async () => {
    const err = await failure(safeFetch(feed('/huge-chunked'), options()));
    expect(err.code).toBe('TOO_LARGE');
  });

  it('stops a gzip bomb by counting bytes after decompression', async () => {
    const err = await failure(safeFetch(feed('/gzip-bomb'), options()));
    expect(err.code).toBe('TOO_LARGE');
    expect(err.message).toMatch(/after decompression/);
  });

  it('gives up on a redirect loop after the redirect limit', async () => {
    server.hits.delete('/redirect-loop-a');
    server.hits.delete('/redirect-loop-b');
    const err = await failure(safeFetch(feed('/redirect-loop-a'), options({ maxRedirects: 4 })));
    expect(err.code).toBe('TOO_MANY_REDIRECTS');
    expect(err.retryable).toBe(false);
    expect((server.hits.get('/redirect-loop-a') ?? 0) + (server.hits.get('/redirect-loop-b') ?? 0)).toBe(5);
  });

  it('enforces the total timeout on a slow-drip response', async () => {
    const err = await failure(safeFetch(feed('/slow-drip'), options({ totalTimeoutMs: 600 })));
    expect(err.code).toBe('TIMEOUT');
    expect(err.retryable).toBe(true);
  });

  it('classifies 429 with a short Retry-After as retryable and carries the wait', async () => {
    const err = await failure(safeFetch(feed('/rate-limited'), options()));
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 30_000, status: 429 });
  });

  it('classifies 429 with a Retry-After beyond the limit as non-retryable', async () => {
    const err = await failure(safeFetch(feed('/rate-limited-long'), options({ maxRetryAfterMs: 60_000 })));
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: false, status: 429 });
    expect(err.retryAfterMs).toBeUndefined();
  });

  it('classifies 5xx as retryable, 404 and 410 as not', async () => {
    expect(await failure(safeFetch(feed('/server-error'), options()))).toMatchObject({ code: 'SERVER_ERROR', retryable: true, status: 500 });
    expect(await failure(safeFetch(feed('/missing'), options()))).toMatchObject({ code: 'NOT_FOUND', retryable: false, status: 404 });
    expect(await failure(safeFetch(feed('/gone'), options()))).toMatchObject({ code: 'NOT_FOUND', retryable: false, status: 410 });
  });

  it('refuses a content type that no parser can read', async () => {
    expect(await failure(safeFetch(feed('/image.png'), options()))).toMatchObject({ code: 'BAD_CONTENT_TYPE', retryable: false });
    const asHtml = await failure(safeFetch({ url: `${server.origin}/cert.rss`, purpose: 'html' }, options()));
    expect(asHtml.code).toBe('BAD_CONTENT_TYPE');
  });

  it('classifies a connection reset as retryable', async () => {
    const err = await failure(safeFetch(feed('/reset'), options()));
    expect(err.code).toBe('CONNECTION_FAILED');
    expect(err.retryable).toBe(true);
  });

  it('gives up on a connection whose TLS handshake never completes (connect timeout)', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const err = await failure(safeFetch({ url: `https://127.0.0.1:${port}/feed`, purpose: 'feed' }, options({ connectTimeoutMs: 300 })));
      expect(err.code).toBe('CONNECT_TIMEOUT');
      expect(err.retryable).toBe(true);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('stops when the caller cancels', async () => {
    const controller = new AbortController();
    const pending = safeFetch(feed('/slow-drip'), options({ totalTimeoutMs: 60_000 }), controller.signal);
    setTimeout(() => controller.abort(), 100);
    const err = await failure(pending);
    expect(err.code).toBe('CANCELLED');
    expect(err.retryable).toBe(false);
  });
});

describe('RequestPacer', () => {
  it('keeps at most `concurrency` tasks in flight and serialises each host with a minimum gap', async () => {
    const pacer = new RequestPacer(2, 30);
    let inFlight = 0;
    let maxInFlight = 0;
    const perHost = new Map<string, number>();
    const log: Array<{ host: string; start: number; end: number }> = [];
    const task = (host: string) => async () => {
      inFlight++;
      perHost.set(host, (perHost.get(host) ?? 0) + 1);
      maxInFlight = Math.max(maxInFlight, inFlight);
      expect(perHost.get(host)).toBe(1);
      const start = Date.now();
      await new Promise((r) => setTimeout(r, 10));
      log.push({ host, start, end: Date.now() });
      perHost.set(host, perHost.get(host)! - 1);
      inFlight--;
    };
    await Promise.all(['a', 'a', 'a', 'b', 'c', 'd', 'b'].map((h) => pacer.run(h, task(h))));
    expect(log).toHaveLength(7);
    expect(maxInFlight).toBe(2);
    const a = log.filter((l) => l.host === 'a');
    for (let i = 1; i < a.length; i++) expect(a[i]!.start - a[i - 1]!.end).toBeGreaterThanOrEqual(25);
  });

  it('gives up waiting when cancelled', async () => {
    const pacer = new RequestPacer(1, 60_000);
    await pacer.run('h', async () => undefined);
    const controller = new AbortController();
    const waiting = pacer.run('h', async () => 'ran', controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow();
  });
});
