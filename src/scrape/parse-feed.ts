// RSS 2.0, RSS 1.0 (RDF) and Atom, parsed with cheerio in XML mode. Real feeds are inconsistent, so
// each field has a list of places it may be, and a missing or garbled date never costs an item.
import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { ScrapeError } from './errors.js';
import type { ScrapedItem } from './item.js';
import { absoluteUrl, collapseWhitespace, htmlToText, nodesToText, parseDate, truncate } from './text.js';
import { assertWellFormedXml, MalformedXml } from './xml-check.js';

/** More than any real feed carries; stops a hostile one from costing minutes of database writes. */
const MAX_ITEMS = 1000;

const local = (name: string) => (name.includes(':') ? name.slice(name.indexOf(':') + 1) : name).toLowerCase();

const elementChildren = (el: Element): Element[] => el.children.filter((c): c is Element => c.type === 'tag');

/**
 * The first child with one of the given names, in order of preference. Exact qualified names win;
 * an unprefixed name also matches a prefixed element (`<atom:title>`) when nothing matched exactly.
 */
function child(el: Element, ...names: string[]): Element | undefined {
  const kids = elementChildren(el);
  for (const name of names) {
    const hit = kids.find((k) => k.name.toLowerCase() === name);
    if (hit) return hit;
  }
  for (const name of names.filter((n) => !n.includes(':'))) {
    const hit = kids.find((k) => local(k.name) === name);
    if (hit) return hit;
  }
  return undefined;
}

/** Text content as written (entities and CDATA already decoded by the parser), markup included verbatim for CDATA. */
function rawText(el: AnyNode | undefined): string | undefined {
  if (!el) return undefined;
  if (el.type === 'text') return el.data;
  return 'children' in el ? el.children.map((c) => rawText(c) ?? '').join('') : '';
}

/** The URL relative links inside `el` resolve against: the feed URL refined by every xml:base above it. */
function baseOf(el: Element, feedUrl: string): string {
  const chain: string[] = [];
  for (let node: Element | null = el; node && node.type === 'tag'; node = node.parent as Element | null) {
    const base = node.attribs['xml:base'];
    if (base) chain.unshift(base);
  }
  return chain.reduce((acc, base) => absoluteUrl(base, acc) ?? acc, feedUrl);
}

/** Atom text constructs say how to read them; RSS text is nearly always escaped HTML. */
function textOf(el: Element | undefined): string | undefined {
  if (!el) return undefined;
  const type = (el.attribs.type ?? '').toLowerCase();
  if (type === 'xhtml') return nodesToText(el.children);
  if (type === 'text') return collapseWhitespace(rawText(el) ?? '');
  return htmlToText(rawText(el) ?? '');
}

function item(title: string | undefined, url: string | undefined, summary: string | undefined, date: string | undefined): ScrapedItem | undefined {
  if (!url) return undefined;
  const cleanSummary = summary ? truncate(summary) : undefined;
  const out: ScrapedItem = { title: truncate(title || cleanSummary || url, 500), url };
  if (cleanSummary) out.summary = cleanSummary;
  const publishedAt = parseDate(date);
  if (publishedAt) out.publishedAt = publishedAt;
  return out;
}

function rssItem(el: Element, feedUrl: string): ScrapedItem | undefined {
  const base = baseOf(el, feedUrl);
  const guid = child(el, 'guid');
  const guidIsLink = guid && guid.attribs.isPermaLink !== 'false' ? rawText(guid) : undefined;
  const atomLink = child(el, 'atom:link');
  const url =
    absoluteUrl(rawText(child(el, 'link')), base) ??
    absoluteUrl(atomLink?.attribs.href, base) ??
    absoluteUrl(guidIsLink, base) ??
    absoluteUrl(el.attribs['rdf:about'], base);
  const summary = textOf(child(el, 'description', 'summary')) || textOf(child(el, 'content:encoded'));
  const date = rawText(child(el, 'pubdate', 'dc:date', 'published', 'updated', 'dc:created'));
  return item(textOf(child(el, 'title')), url, summary, date);
}

function atomLinkOf(entry: Element, feedUrl: string): string | undefined {
  const links = elementChildren(entry).filter((k) => local(k.name) === 'link' && k.attribs.href);
  const alternate = links.filter((l) => (l.attribs.rel ?? 'alternate') === 'alternate');
  const chosen = alternate.find((l) => /html/.test(l.attribs.type ?? 'text/html')) ?? alternate[0] ?? links[0];
  return chosen ? absoluteUrl(chosen.attribs.href, baseOf(chosen, feedUrl)) : undefined;
}

function atomEntry(el: Element, feedUrl: string): ScrapedItem | undefined {
  const summary = textOf(child(el, 'summary')) || textOf(child(el, 'content'));
  const date = rawText(child(el, 'published', 'updated', 'issued', 'modified'));
  return item(textOf(child(el, 'title')), atomLinkOf(el, feedUrl), summary, date);
}

function unparseable(feedUrl: string, reason: string, cause?: unknown): ScrapeError {
  return new ScrapeError('UNPARSEABLE', `${feedUrl} is not a readable feed: ${reason}`, { retryable: false, url: feedUrl, cause });
}

/** Items of an RSS or Atom document; throws a non-retryable UNPARSEABLE ScrapeError for anything else. */
export function parseFeed(xml: string, feedUrl: string): ScrapedItem[] {
  try {
    assertWellFormedXml(xml);
  } catch (err) {
    if (err instanceof MalformedXml) throw unparseable(feedUrl, `malformed XML (${err.message})`, err);
    throw err;
  }
  const $ = cheerio.load(xml, { xml: true });
  const root = $.root().children().toArray()[0];
  if (!root) throw unparseable(feedUrl, 'the document is empty');
  const kind = local(root.name);
  let entries: Element[];
  let read: (el: Element, feedUrl: string) => ScrapedItem | undefined;
  if (kind === 'rss' || kind === 'rdf') {
    const channel = child(root, 'channel');
    entries = [...(channel ? elementChildren(channel) : []), ...elementChildren(root)].filter((e) => local(e.name) === 'item');
    read = rssItem;
  } else if (kind === 'feed') {
    entries = elementChildren(root).filter((e) => local(e.name) === 'entry');
    read = atomEntry;
  } else {
    throw unparseable(feedUrl, `its root element is <${root.name}>, not <rss>, <rdf:RDF> or <feed>`);
  }
  const items: ScrapedItem[] = [];
  const seen = new Set<string>();
  for (const entry of entries.slice(0, MAX_ITEMS)) {
    const parsed = read(entry, feedUrl);
    if (parsed && !seen.has(parsed.url)) {
      seen.add(parsed.url);
      items.push(parsed);
    }
  }
  return items;
}
