// Reads a response body without ever holding more than the cap: the count is taken after
// decompression, so a small gzip that inflates to gigabytes is cut off at the limit.
import zlib from 'node:zlib';
import type { Readable, Transform } from 'node:stream';
import { ScrapeError } from './errors.js';

function decompressorFor(encoding: string | undefined, url: string): Transform | undefined {
  const name = (encoding ?? '').trim().toLowerCase();
  if (name === '' || name === 'identity') return undefined;
  if (name === 'gzip' || name === 'x-gzip') return zlib.createGunzip();
  if (name === 'deflate') return zlib.createInflate();
  if (name === 'br') return zlib.createBrotliDecompress();
  throw new ScrapeError('UNPARSEABLE', `${url} used an unsupported content encoding: ${encoding}`, { retryable: false, url });
}

export async function readCappedBody(raw: Readable, contentEncoding: string | undefined, maxBytes: number, url: string, signal: AbortSignal): Promise<Buffer> {
  let decompressor: Transform | undefined;
  try {
    decompressor = decompressorFor(contentEncoding, url);
  } catch (err) {
    raw.destroy();
    throw err;
  }
  const body: Readable = decompressor ? raw.pipe(decompressor) : raw;
  if (decompressor) raw.once('error', (err) => decompressor.destroy(err));
  const stopAll = (err?: Error) => {
    raw.destroy(err);
    if (decompressor) decompressor.destroy(err);
  };
  const onAbort = () => stopAll(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });

  const chunks: Buffer[] = [];
  let total = 0;
  let rawTotal = 0;
  // Compressed bytes are capped too; without a decompressor the loop below already counts them.
  if (decompressor) {
    raw.on('data', (chunk: Buffer) => {
      rawTotal += chunk.length;
      if (rawTotal > maxBytes) stopAll(tooLarge(url, maxBytes));
    });
  }
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        const err = tooLarge(url, maxBytes);
        stopAll(err);
        throw err;
      }
      chunks.push(chunk);
    }
  } catch (err) {
    stopAll();
    const code = (err as { code?: string }).code;
    if (code?.startsWith('Z_') || code === 'ERR__ERROR_FORMAT_PADDING_1' || code?.startsWith('ERR_BROTLI')) {
      throw new ScrapeError('UNPARSEABLE', `${url} sent a body that does not decompress as ${contentEncoding}`, { retryable: false, url, cause: err });
    }
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(url: string, maxBytes: number): ScrapeError {
  return new ScrapeError('TOO_LARGE', `${url} sent more than ${maxBytes} bytes (after decompression); giving up`, { retryable: false, url });
}
