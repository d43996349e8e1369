// Listing pages (a vendor blog, a bulletin table) read with CSS selectors, or with defaults that fit
// most blogs: one <article> per post, its heading as title, the heading's (or first) link.
import * as cheerio from 'cheerio';
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import { ScrapeError } from './errors.js';
import type { ScrapedItem } from './item.js';
import { absoluteUrl, nodesToText, parseDate, truncate } from './text.js';

export interface HtmlSelectors {
  item?: string;
  title?: string;
  link?: string;
  date?: string;
  summary?: string;
}

const DEFAULT_ITEM_SELECTORS = ['article', '.post', '.entry', '.news-item', '.views-row', 'li.item'];
const HEADINGS = 'h1, h2, h3, h4, h5, h6';
const MAX_ITEMS = 1000;

/** Selectors from the source's JSON column; anything that isn't a string is ignored. */
export function selectorsFromJson(value: unknown): HtmlSelectors | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: HtmlSelectors = {};
  for (const key of ['item', 'title', 'link', 'date', 'summary'] as const) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'string' && v.trim()) out[key] = v.trim();
  }
  return Object.keys(out).length ? out : undefined;
}

function select(scope: Cheerio<Element>, selector: string, pageUrl: string): Cheerio<Element> {
  try {
    return scope.find(selector);
  } catch (err) {
    throw new ScrapeError('INVALID_SELECTOR', `The CSS selector ${JSON.stringify(selector)} for ${pageUrl} is not valid: ${(err as Error).message}`, {
      retryable: false,
      url: pageUrl,
      cause: err,
    });
  }
}

const textOf = (nodes: Cheerio<Element>) => nodesToText(nodes.toArray());

function hrefOf(el: Cheerio<Element>): string | undefined {
  if (el.is('a[href]')) return el.attr('href');
  return el.find('a[href]').first().attr('href');
}

function readItem(item: Cheerio<Element>, s: HtmlSelectors, base: string, pageUrl: string): ScrapedItem | undefined {
  const heading = item.find(HEADINGS).first();
  const titleEl = s.title ? select(item, s.title, pageUrl).first() : heading.length ? heading : item.find('a[href]').first();
  const linkEl = s.link ? select(item, s.link, pageUrl).first() : heading.find('a[href]').length ? heading : item;
  const url = absoluteUrl(hrefOf(linkEl), base);
  if (!url) return undefined;
  const dateEl = s.date ? select(item, s.date, pageUrl).first() : item.find('time').first();
  const summaryEl = s.summary ? select(item, s.summary, pageUrl).first() : item.find('p').not(`${HEADINGS} p`).first();
  const summary = truncate(textOf(summaryEl));
  const title = truncate(textOf(titleEl) || textOf(linkEl) || summary || url, 500);
  const out: ScrapedItem = { title, url };
  if (summary) out.summary = summary;
  const publishedAt = parseDate(dateEl.attr('datetime')) ?? parseDate(textOf(dateEl));
  if (publishedAt) out.publishedAt = publishedAt;
  return out;
}

function findItems($: CheerioAPI, s: HtmlSelectors, pageUrl: string): Cheerio<Element> {
  const root = $.root() as unknown as Cheerio<Element>;
  if (s.item) return select(root, s.item, pageUrl);
  for (const candidate of DEFAULT_ITEM_SELECTORS) {
    const found = root.find(candidate).filter((_, el) => $(el).find('a[href]').length > 0 || $(el).is('a[href]'));
    if (found.length) return found;
  }
  return root.find('__none__');
}

/** Items of a listing page. Throws NO_ITEMS_FOUND when nothing matches: a layout change must be noticed. */
export function parseHtml(html: string, pageUrl: string, selectors?: HtmlSelectors | null): ScrapedItem[] {
  const $ = cheerio.load(html);
  const base = absoluteUrl($('base[href]').first().attr('href'), pageUrl) ?? pageUrl;
  const s = selectors ?? {};
  const nodes = findItems($, s, pageUrl);
  if (nodes.length === 0) {
    const what = s.item ? `the item selector ${JSON.stringify(s.item)}` : 'the default item selectors (article, .post, .entry…); give the source CSS selectors';
    throw new ScrapeError('NO_ITEMS_FOUND', `No items found on ${pageUrl} with ${what}`, { retryable: false, url: pageUrl });
  }
  const items: ScrapedItem[] = [];
  const seen = new Set<string>();
  for (const el of nodes.toArray().slice(0, MAX_ITEMS)) {
    const parsed = readItem($(el), s, base, pageUrl);
    if (parsed && !seen.has(parsed.url)) {
      seen.add(parsed.url);
      items.push(parsed);
    }
  }
  return items;
}
