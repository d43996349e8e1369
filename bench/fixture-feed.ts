// The sources every benchmarked scheduler scrapes: one tiny RSS feed per user on 127.0.0.1, so the
// figures measure scheduling, not the network.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>
<item><title>Vendor advisory</title><link>https://example.test/advisory</link><description>advisory</description></item>
</channel></rss>`;

export interface FeedServer {
  baseUrl: string;
  requests(): number;
  close(): Promise<void>;
}

export async function startFeedServer(): Promise<FeedServer> {
  let requests = 0;
  const server = http.createServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(FEED);
  });
  // Thousands of users poll it; keep-alive sockets from the scrapers are fine, only bound the backlog.
  server.maxConnections = 2000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
