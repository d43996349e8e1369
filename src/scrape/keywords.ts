// Whole-word, case-insensitive keyword matching that works beyond ASCII: "\b" in JavaScript only
// knows [A-Za-z0-9_], so "Schwachstelle" or "脆弱性" next to accented letters would match mid-word.

const WORD_CHAR = '[\\p{L}\\p{N}\\p{M}_]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Scripts written without spaces between words: there a keyword can only be matched as a substring. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

const cache = new Map<string, RegExp>();

function patternFor(keyword: string): RegExp {
  let re = cache.get(keyword);
  if (!re) {
    // Any run of whitespace in the text matches a space in the keyword ("remote  code\nexecution").
    const body = keyword.split(/\s+/u).map(escapeRegExp).join('\\s+');
    const before = UNSPACED.test(keyword[0] ?? '') ? '' : `(?<!${WORD_CHAR})`;
    const after = UNSPACED.test(keyword.at(-1) ?? '') ? '' : `(?!${WORD_CHAR})`;
    re = new RegExp(`${before}${body}${after}`, 'iu');
    if (cache.size > 10_000) cache.clear();
    cache.set(keyword, re);
  }
  return re;
}

/** The keywords (as the user spelled them, in their order, without duplicates) that occur in `text`. */
export function matchKeywords(text: string, keywords: readonly string[]): string[] {
  const haystack = text.normalize('NFKC');
  const found: string[] = [];
  const seen = new Set<string>();
  for (const raw of keywords) {
    const keyword = raw.normalize('NFKC').trim();
    const key = keyword.toLowerCase();
    if (!keyword || seen.has(key)) continue;
    if (patternFor(keyword).test(haystack)) {
      seen.add(key);
      found.push(raw.trim());
    }
  }
  return found;
}
