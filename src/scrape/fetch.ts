// Fetches one source URL the careful way: every hop of a redirect chain is re-checked against the
// address guard, bodies are capped after decompression, and one deadline covers the whole exchange.
import axios, { type AxiosProxyConfig, type AxiosResponse } from 'axios';
import type { Readable } from 'node:stream';
import { ScrapeError, toScrapeError } from './errors.js';
import { assertHostAllowed, createAgents } from './guarded-agent.js';
import { errorForStatus } from './http-status.js';
import { readCappedBody } from './read-body.js';
import { decodeBody } from './decode.js';
import type { ScrapeOptions } from './options.js';

export type FetchPurpose = 'feed' | 'html' | 'robots';

export type FetchOptions = Pick<
  ScrapeOptions,
  | 'connectTimeoutMs'
  | 'totalTimeoutMs'
  | 'maxBytes'
  | 'maxRedirects'
  | 'userAgent'
  | 'allowPrivateAddresses'
  | 'allowedPrivateHosts'
  | 'proxyUrl'
  | 'maxRetryAfterMs'
>;

export interface FetchRequest {
  url: string;
  purpose: FetchPurpose;
  /** Validators from the previous successful fetch, for a conditional GET. */
  etag?: string | null;
  lastModified?: string | null;
  /** Overrides FetchOptions.proxyUrl for this request; null forces a direct connection. */
  proxyUrl?: string | null;
}

interface Validators {
  etag?: string;
  lastModified?: string;
}

export type FetchResult =
  | ({ notModified: true; finalUrl: string; status: 304 } & Validators)
  | ({ notModified: false; finalUrl: string; status: number; contentType?: string; charset: string; body: string } & Validators);

const accepts: Record<FetchPurpose, string> = {
  feed: 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1',
  html: 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1',
  robots: 'text/plain, */*;q=0.1',
};

/** Content types worth parsing per purpose. Feeds are often mislabelled, so text types are tolerated. */
const acceptableType: Record<FetchPurpose, (mime: string) => boolean> = {
  feed: (m) => /xml|rss|atom|rdf/.test(m) || m === 'text/plain' || m === 'text/html',
  html: (m) => m === 'text/html' || m === 'application/xhtml+xml',
  robots: () => true,
};

export function parseHttpUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch (err) {
    throw new ScrapeError('INVALID_URL', `Not a valid URL: ${JSON.stringify(input)}`, { retryable: false, url: input, cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ScrapeError('INVALID_URL', `Only http and https URLs can be scraped, not ${url.protocol} (${input})`, { retryable: false, url: input });
  }
  return url;
}

function proxyConfig(proxyUrl: string): AxiosProxyConfig {
  const proxy = parseHttpUrl(proxyUrl);
  const config: AxiosProxyConfig = {
    protocol: proxy.protocol.replace(':', ''),
    host: proxy.hostname.replace(/^\[|\]$/g, ''),
    port: Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80)),
  };
  if (proxy.username) config.auth = { username: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) };
  return config;
}

const header = (res: AxiosResponse, name: string): string | undefined => {
  const value: unknown = res.headers[name];
  if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
  return value === undefined || value === null ? undefined : String(value);
};

function validators(res: AxiosResponse): Validators {
  const out: Validators = {};
  const etag = header(res, 'etag');
  const lastModified = header(res, 'last-modified');
  if (etag) out.etag = etag;
  if (lastModified) out.lastModified = lastModified;
  return out;
}

function discard(res: AxiosResponse): void {
  (res.data as Readable | undefined)?.destroy?.();
}

export async function safeFetch(request: FetchRequest, options: FetchOptions, signal?: AbortSignal): Promise<FetchResult> {
  const deadline = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    deadline.abort(new ScrapeError('TIMEOUT', `${request.url} did not finish within ${options.totalTimeoutMs} ms`, { retryable: true, url: request.url }));
  }, options.totalTimeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
  try {
    return await fetchFollowingRedirects(request, options, combined);
  } catch (err) {
    if (timedOut) throw deadline.signal.reason as ScrapeError;
    if (signal?.aborted) throw new ScrapeError('CANCELLED', 'The scrape was cancelled', { retryable: false, url: request.url, cause: signal.reason });
    throw toScrapeError(err, request.url);
  } finally {
    clearTimeout(timer);
  }
}

async function fetchFollowingRedirects(request: FetchRequest, options: FetchOptions, signal: AbortSignal): Promise<FetchResult> {
  const proxyUrl = request.proxyUrl === undefined ? options.proxyUrl : request.proxyUrl ?? undefined;
  const proxy = proxyUrl ? proxyConfig(proxyUrl) : false;
  const agents = createAgents(options.connectTimeoutMs, options, !proxy);
  let current = parseHttpUrl(request.url);
  try {
    for (let hop = 0; ; hop++) {
      // Checked on every hop: a public URL redirecting to the metadata address must stop here.
      await assertHostAllowed(current, options, Boolean(proxy));
      const res = await axios.request<Readable>({
        url: current.href,
        method: 'GET',
        responseType: 'stream',
        decompress: false,
        maxRedirects: 0,
        validateStatus: () => true,
        signal,
        proxy,
        ...agents,
        headers: {
          'User-Agent': options.userAgent,
          Accept: accepts[request.purpose],
          'Accept-Encoding': 'gzip, deflate, br',
          ...(request.etag ? { 'If-None-Match': request.etag } : {}),
          ...(request.lastModified ? { 'If-Modified-Since': request.lastModified } : {}),
        },
      });
      const status = res.status;
      if (status >= 300 && status < 400 && status !== 304) {
        discard(res);
        const location = header(res, 'location');
        if (!location) {
          throw new ScrapeError('BAD_REDIRECT', `${current.href} answered ${status} without a Location`, { retryable: false, status, url: current.href });
        }
        if (hop >= options.maxRedirects) {
          throw new ScrapeError('TOO_MANY_REDIRECTS', `${request.url} redirected more than ${options.maxRedirects} times`, { retryable: false, url: request.url });
        }
        current = parseHttpUrl(new URL(location, current).href);
        continue;
      }
      if (status === 304) {
        discard(res);
        return { notModified: true, finalUrl: current.href, status: 304, ...validators(res) };
      }
      if (status < 200 || status >= 300) {
        discard(res);
        throw errorForStatus(status, current.href, header(res, 'retry-after'), options.maxRetryAfterMs);
      }
      return await readSuccess(res, current.href, request.purpose, options, signal);
    }
  } finally {
    agents.httpAgent.destroy();
    agents.httpsAgent.destroy();
  }
}

async function readSuccess(res: AxiosResponse<Readable>, url: string, purpose: FetchPurpose, options: FetchOptions, signal: AbortSignal): Promise<FetchResult> {
  const contentType = header(res, 'content-type');
  const mime = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mime && !acceptableType[purpose](mime)) {
    discard(res);
    throw new ScrapeError('BAD_CONTENT_TYPE', `${url} is ${mime}, not something a ${purpose} source can be read from`, { retryable: false, url, status: res.status });
  }
  const declared = Number(header(res, 'content-length'));
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    discard(res);
    throw new ScrapeError('TOO_LARGE', `${url} declares ${declared} bytes, more than the ${options.maxBytes} allowed`, { retryable: false, url, status: res.status });
  }
  const bytes = await readCappedBody(res.data, header(res, 'content-encoding'), options.maxBytes, url, signal);
  const { text, charset } = decodeBody(bytes, contentType);
  return {
    notModified: false,
    finalUrl: url,
    status: res.status,
    ...(contentType ? { contentType } : {}),
    charset,
    body: text,
    ...validators(res),
  };
}
