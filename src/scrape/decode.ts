// Turns body bytes into text. Advisories from national CERTs and vendor pages are still served in
// legacy encodings (windows-1252, Shift_JIS, EUC-KR...), so UTF-8 cannot simply be assumed.
import iconv from 'iconv-lite';

/** WHATWG treats these labels as windows-1252, and so do browsers, so pages written for them expect it. */
const windows1252Aliases = new Set(['iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'us-ascii', 'ascii', 'cp819', 'ibm819']);

function normalise(label: string | undefined): string | undefined {
  const name = label?.trim().replace(/^["']|["']$/g, '').toLowerCase();
  if (!name) return undefined;
  if (windows1252Aliases.has(name)) return 'windows-1252';
  return iconv.encodingExists(name) ? name : undefined;
}

export function charsetFromContentType(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType ?? '');
  return match?.[2];
}

function fromBom(body: Buffer): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** The charset a document declares about itself in its first bytes (XML declaration or meta tag). */
function fromDocument(body: Buffer): string | undefined {
  const head = body.subarray(0, 4096).toString('latin1');
  const xml = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(head);
  if (xml) return xml[1];
  const meta = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  return meta?.[1];
}

export interface Decoded {
  text: string;
  charset: string;
}

/** A byte-order mark wins, then the Content-Type header, then the document's own declaration, then UTF-8. */
export function decodeBody(body: Buffer, contentType: string | undefined): Decoded {
  const charset =
    normalise(fromBom(body)) ?? normalise(charsetFromContentType(contentType)) ?? normalise(fromDocument(body)) ?? 'utf-8';
  return { text: iconv.decode(body, charset), charset };
}
