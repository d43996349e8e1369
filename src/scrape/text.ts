// Helpers shared by the feed and HTML parsers: feeds carry escaped HTML in their text fields and
// pages carry whitespace from indentation, and users should see neither.
import * as cheerio from 'cheerio';
import type { AnyNode } from 'domhandler';

const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4',
  'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'td', 'th', 'tr', 'ul',
]);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'svg']);

export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/** Text of DOM nodes, with block elements separated so "<p>a</p><p>b</p>" reads "a b", not "ab". */
export function nodesToText(nodes: AnyNode[]): string {
  const parts: string[] = [];
  const walk = (node: AnyNode) => {
    if (node.type === 'text' || node.type === 'cdata') {
      if (node.type === 'text') parts.push(node.data);
      else node.children.forEach(walk);
      return;
    }
    if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style' && node.type !== 'root') return;
    const name = 'name' in node ? node.name.toLowerCase() : '';
    if (SKIP.has(name)) return;
    const block = BLOCK.has(name);
    if (block) parts.push(' ');
    if ('children' in node) node.children.forEach(walk);
    if (block) parts.push(' ');
  };
  nodes.forEach(walk);
  return collapseWhitespace(parts.join(''));
}

/** Plain text from a string that may hold HTML markup and entities (an RSS description, say). */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return collapseWhitespace(html);
  const $ = cheerio.load(html, null, false);
  return nodesToText($.root().contents().toArray());
}

/** Keeps summaries to a size a person reads and a row should hold. */
export function truncate(text: string, max = 2000): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/\s+\S*$/u, '')}…`;
}

/** A date, or undefined for anything missing or unparseable: a bad date must not lose the item. */
export function parseDate(value: string | undefined): Date | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return undefined;
  const year = date.getUTCFullYear();
  return year < 1990 || year > 2200 ? undefined : date;
}

/** An absolute http(s) URL without its fragment, or undefined when `href` cannot be one. */
export function absoluteUrl(href: string | undefined, base: string): string | undefined {
  const text = href?.trim();
  if (!text) return undefined;
  try {
    const url = new URL(text, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    url.hash = '';
    return url.href;
  } catch {
    return undefined;
  }
}
