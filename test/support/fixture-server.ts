// A source server on 127.0.0.1 whose answers a test sets, and which remembers when it was asked.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>Fixture</title>
<item><title>Advisory</title><link>https://example.test/a</link><description>test</description></item>
</channel></rss>`;

export interface FixtureServer {
  url(path: string): string;
  /** Every later request for `path` gets this status (200 serves a small RSS feed). */
  setStatus(path: string, status: number): void;
  /** Arrival times (epoch ms) of requests for `path`. */
  hits(path: string): number[];
  /** Every later answer waits this long first, so scrapes are in flight when a test strikes. */
  setDelay(ms: number): void;
}

export function useFixtureServer(): FixtureServer {
  const statuses = new Map<string, number>();
  const hits = new Map<string, number[]>();
  let base = '';
  let delayMs = 0;
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, [...(hits.get(path) ?? []), Date.now()]);
    const answer = () => {
      const status = statuses.get(path) ?? 200;
      res.writeHead(status, { 'content-type': status === 200 ? 'application/rss+xml' : 'text/plain' });
      res.end(status === 200 ? FEED : `status ${status}`);
    };
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    url: (path) => `${base}${path}`,
    setStatus: (path, status) => statuses.set(path, status),
    hits: (path) => hits.get(path) ?? [],
    setDelay: (ms) => {
      delayMs = ms;
    },
  };
}
