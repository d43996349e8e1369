/** One entry found in a feed or listing page, before keyword matching. */
export interface ScrapedItem {
  title: string;
  /** Absolute http(s) URL, without fragment: the identity of the item for deduplication. */
  url: string;
  summary?: string;
  publishedAt?: Date;
}
