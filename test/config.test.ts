import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config.INTERVAL_MIN_SECONDS).toBe(60);
    expect(config.SCRAPE_MAX_ATTEMPTS).toBe(3);
    expect(config.MAX_CONSECUTIVE_FAILURES).toBe(5);
    expect(config.HEALTH_CHECK_INTERVAL_SECONDS).toBe(300);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', API_PORT: '' }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ API_PORT: 'http' }, /API_PORT: /],
    [{ DATABASE_URL: 'mysql://x/y' }, /DATABASE_URL: must be a postgres/],
    [{ SCRAPE_RETRY_INITIAL_MS: '5000', SCRAPE_RETRY_MAX_INTERVAL_MS: '1000' }, /SCRAPE_RETRY_INITIAL_MS must not exceed SCRAPE_RETRY_MAX_INTERVAL_MS/],
    [{ MIRROR_RETRY_INITIAL_MS: '5000', MIRROR_RETRY_MAX_INTERVAL_MS: '1000' }, /MIRROR_RETRY_INITIAL_MS must not exceed/],
    [{ INTERVAL_MIN_SECONDS: '100', INTERVAL_MAX_SECONDS: '10' }, /INTERVAL_MIN_SECONDS must not exceed/],
    [{ SCRAPE_ALLOW_PRIVATE_ADDRESSES: 'yes' }, /SCRAPE_ALLOW_PRIVATE_ADDRESSES/],
  ])('refuses %j with one sentence', (env, message) => {
    const error = (() => {
      try {
        loadConfig(env);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
