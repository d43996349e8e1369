// The scraping library's public surface, for activities and tools.
export { ScrapeError, isScrapeError, toScrapeError, type ScrapeErrorCode } from './errors.js';
export { DEFAULT_SCRAPE_OPTIONS, DEFAULT_USER_AGENT, withDefaults, type ScrapeOptions } from './options.js';
export { safeFetch, type FetchOptions, type FetchRequest, type FetchResult } from './fetch.js';
export { blockedReason, isBlockedAddress } from './address-guard.js';
export { matchKeywords } from './keywords.js';
export { parseFeed } from './parse-feed.js';
export { parseHtml, selectorsFromJson, type HtmlSelectors } from './parse-html.js';
export type { ScrapedItem } from './item.js';
export { scrapeUserSources, type ScrapeContext, type ScrapeLogger, type ScrapeResult, type SourceError } from './scrape-user.js';
