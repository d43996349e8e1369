import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../src/scrape/parse-feed.js';
import { parseHtml, selectorsFromJson } from '../src/scrape/parse-html.js';
import { decodeBody } from '../src/scrape/decode.js';
import { assertWellFormedXml } from '../src/scrape/xml-check.js';
import { ScrapeError } from '../src/scrape/errors.js';

const fixtures = path.join(import.meta.dirname, 'fixtures', 'feeds');
const bytes = (name: string) => readFileSync(path.join(fixtures, name));
const text = (name: string) => bytes(name).toString('utf8');

function thrown(fn: () => unknown): ScrapeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScrapeError);
    return err as ScrapeError;
  }
  throw new Error('expected a ScrapeError, nothing was thrown');
}

describe('parseFeed: RSS 2.0 (national CERT advisories)', () => {
  const items = parseFeed(text('cert-advisories.rss.xml'), 'https://cert.example.org/advisories/feed.rss');

  it('keeps every item that has a link, in feed order', () => {
    expect(items.map((i) => i.url)).toEqual([
      'https://cert.example.org/advisories/cert-2026-0142',
      'https://cert.example.org/advisories/cert-2026-0141',
      'https://cert.example.org/advisories/cert-2026-0140',
    ]);
  });

  it('resolves relative links against the feed URL and drops fragments', () => {
    expect(items[0]!.url).toBe('https://cert.example.org/advisories/cert-2026-0142');
    expect(items[1]!.url).not.toContain('#');
  });

  it('strips markup from escaped-HTML descriptions and decodes entities, including double-escaped ones', () => {
    expect(items[0]!.summary).toBe(
      'A zero-day vulnerability in Contoso VPN Gateway allows unauthenticated remote code execution. ' +
        'Exploitation in the wild has been observed. Apply the vendor’s mitigation & monitor logs.',
    );
  });

  it('reads CDATA titles and descriptions', () => {
    expect(items[1]!.title).toBe('CERT-2026-0141: Multiple vulnerabilities in Fabrikam SCADA & HMI suite');
    expect(items[1]!.summary).toBe('Fabrikam has released updates fixing CVE-2026-1200 and CVE-2026-1201 (SQL injection).');
  });

  it('falls back to content:encoded when there is no description', () => {
    expect(items[2]!.summary).toBe('Ransomware operators send e-mails with malicious "refund" attachments.');
  });

  it('reads RFC 822 pubDate and dc:date, and tolerates garbage dates', () => {
    expect(items[0]!.publishedAt?.toISOString()).toBe('2026-03-03T08:00:00.000Z');
    expect(items[1]!.publishedAt?.toISOString()).toBe('2026-03-02T16:30:00.000Z');
    expect(items[2]!.publishedAt).toBeUndefined();
  });
});

describe('parseFeed: Atom (vendor research blog)', () => {
  const items = parseFeed(text('vendor-blog.atom.xml'), 'https://security.vendor.example/blog/atom.xml');

  it('takes the alternate HTML link and resolves it against xml:base, entry-level base included', () => {
    expect(items.map((i) => i.url)).toEqual([
      'https://security.vendor.example/blog/posts/blacklotus-loader',
      'https://other.vendor.example/research/patch-tuesday-march',
      'https://security.vendor.example/blog/posts/no-date',
    ]);
  });

  it('reads html, text and xhtml text constructs', () => {
    expect(items[0]!.title).toBe('Inside the BlackLotus ransomware loader');
    expect(items[0]!.summary).toBe('We analysed a new ransomware loader abusing signed drivers.');
    expect(items[1]!.title).toBe('Patch Tuesday: 3 < 4 critical fixes');
    expect(items[1]!.summary).toBe('Remote code execution in the print spooler.');
  });

  it('prefers published over updated and allows entries without dates', () => {
    expect(items[0]!.publishedAt?.toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect(items[1]!.publishedAt?.toISOString()).toBe('2026-02-27T08:00:00.000Z');
    expect(items[2]!.publishedAt).toBeUndefined();
  });
});

describe('parseFeed: other documents', () => {
  it('reads RSS 1.0 (RDF) items that sit beside the channel', () => {
    const items = parseFeed(text('rdf-feed.xml'), 'https://jvn.example.jp/rss/');
    expect(items).toEqual([
      {
        title: 'JVNVU#0001: Buffer overflow in Example Router firmware',
        url: 'https://jvn.example.jp/vu/JVNVU0001/',
        summary: 'A buffer overflow may allow remote code execution.',
        publishedAt: new Date('2026-02-20T01:00:00Z'),
      },
    ]);
  });

  it('returns no items for an empty feed', () => {
    expect(parseFeed(text('empty.rss.xml'), 'https://empty.example/feed')).toEqual([]);
  });

  it('rejects malformed XML with a non-retryable UNPARSEABLE error instead of guessing', () => {
    const err = thrown(() => parseFeed(text('malformed.rss.xml'), 'https://broken.example/feed'));
    expect(err.code).toBe('UNPARSEABLE');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/malformed XML/);
  });

  it('rejects XML that is not a feed, and HTML served as a feed', () => {
    expect(thrown(() => parseFeed(text('not-a-feed.xml'), 'https://x.example/sitemap')).code).toBe('UNPARSEABLE');
    expect(thrown(() => parseFeed(text('vendor-blog.html'), 'https://x.example/')).code).toBe('UNPARSEABLE');
    expect(thrown(() => parseFeed('', 'https://x.example/')).code).toBe('UNPARSEABLE');
  });
});

describe('assertWellFormedXml', () => {
  it('accepts comments, CDATA, processing instructions, doctypes and ">" inside attributes', () => {
    expect(() => assertWellFormedXml('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><!-- <x> --><r a="1>2"><![CDATA[<not-a-tag>]]><e/></r>')).not.toThrow();
  });

  it('rejects mismatched, unclosed and stray markup', () => {
    expect(() => assertWellFormedXml('<a><b></a></b>')).toThrow(/closes/);
    expect(() => assertWellFormedXml('<a><b></b>')).toThrow(/never closed/);
    expect(() => assertWellFormedXml('<a>1 < 2</a>')).toThrow(/stray/);
    expect(() => assertWellFormedXml('<a/><b/>')).toThrow(/second root/);
    expect(() => assertWellFormedXml('<a><![CDATA[x</a>')).toThrow(/unterminated CDATA/);
  });
});

describe('parseHtml', () => {
  it('reads a vendor blog with the default selectors, honouring <base href>', () => {
    const items = parseHtml(text('vendor-blog.html'), 'https://blog.contoso.example/security/index.html');
    expect(items).toEqual([
      {
        title: 'Zero-day in mail server exploited by APT group',
        url: 'https://blog.contoso.example/security/2026/03/zero-day-exchange',
        summary: 'Our incident response team observed exploitation of a zero-day & published indicators.',
        publishedAt: new Date('2026-03-02T08:00:00Z'),
      },
      {
        title: 'Supply-chain attack on a popular npm package',
        url: 'https://blog.contoso.example/security/2026/02/supply-chain',
        summary: 'Malicious versions exfiltrated CI secrets.',
      },
    ]);
  });

  it('uses the given CSS selectors and ignores look-alike items elsewhere on the page', () => {
    const selectors = { item: 'table.bulletins tr.row', title: '.name', link: '.more a', date: '.when', summary: '.blurb' };
    const items = parseHtml(text('custom-listing.html'), 'https://bulletins.example/list/', selectors);
    expect(items.map((i) => [i.title, i.url])).toEqual([
      ['CVE-2026-1234 exploited in ransomware campaigns', 'https://bulletins.example/bulletins/1001?ref=list'],
      ['Phishing kit targets banks', 'https://bulletins.example/list/bulletins/1000'],
    ]);
    expect(items[0]!.publishedAt?.toISOString()).toBe('2026-03-03T00:00:00.000Z');
    expect(items[1]!.publishedAt).toBeUndefined();
    expect(items[0]!.summary).toBe('Ransomware affiliates chain it with credential theft.');
  });

  it('without selectors, picks up only what the defaults describe', () => {
    const items = parseHtml(text('custom-listing.html'), 'https://bulletins.example/list/');
    expect(items.map((i) => i.url)).toEqual(['https://bulletins.example/ads']);
  });

  it('reports a selector that matches nothing as NO_ITEMS_FOUND, so a layout change is noticed', () => {
    const err = thrown(() => parseHtml(text('vendor-blog.html'), 'https://blog.contoso.example/', { item: '.does-not-exist' }));
    expect(err.code).toBe('NO_ITEMS_FOUND');
    expect(err.retryable).toBe(false);
    expect(thrown(() => parseHtml('<html><body><p>hello</p></body></html>', 'https://x.example/')).code).toBe('NO_ITEMS_FOUND');
  });

  it('reports an invalid selector as a non-retryable INVALID_SELECTOR', () => {
    const err = thrown(() => parseHtml(text('vendor-blog.html'), 'https://x.example/', { item: 'article[[' }));
    expect(err.code).toBe('INVALID_SELECTOR');
    expect(err.retryable).toBe(false);
  });

  it('reads selectors from the JSON column, ignoring junk', () => {
    expect(selectorsFromJson({ item: ' li ', title: 3, link: '' })).toEqual({ item: 'li' });
    expect(selectorsFromJson(null)).toBeUndefined();
    expect(selectorsFromJson(['article'])).toBeUndefined();
  });
});

describe('decodeBody', () => {
  it('decodes a windows-1252 page declared only in <meta http-equiv>', () => {
    const { text: page, charset } = decodeBody(bytes('windows-1252.html'), 'text/html');
    expect(charset).toBe('windows-1252');
    const [item] = parseHtml(page, 'https://avis.example/');
    expect(item!.title).toBe('Vulnérabilité critique – exécution de code à distance');
    expect(item!.summary).toBe('Une faille « zero-day » affecte le pare-feu ; coût estimé : 5 000 €.');
  });

  it('decodes a Shift_JIS page declared in <meta charset>', () => {
    const { text: page } = decodeBody(bytes('shift_jis.html'), undefined);
    const [item] = parseHtml(page, 'https://jp.example/');
    expect(item!.title).toBe('ランサムウェア攻撃に関する注意喚起');
    expect(item!.url).toBe('https://jp.example/jp/2026-0003');
  });

  it('lets the Content-Type charset win over the document and treats latin1 as windows-1252', () => {
    const body = Buffer.from([0x3c, 0x70, 0x3e, 0x80, 0xe9, 0x3c, 0x2f, 0x70, 0x3e]);
    expect(decodeBody(body, 'text/html; charset="ISO-8859-1"')).toEqual({ text: '<p>€é</p>', charset: 'windows-1252' });
  });

  it('falls back to UTF-8 for unknown labels and honours a byte-order mark', () => {
    expect(decodeBody(Buffer.from('héllo', 'utf8'), 'text/html; charset=x-unknown').text).toBe('héllo');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<rss/>', 'utf16le')]);
    expect(decodeBody(utf16, 'application/xml; charset=iso-8859-1').text).toBe('<rss/>');
  });
});
