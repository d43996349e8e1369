import { describe, expect, it } from 'vitest';
import { matchKeywords } from '../src/scrape/keywords.js';

describe('matchKeywords', () => {
  it('matches case-insensitively and returns the keywords as the user wrote them', () => {
    expect(matchKeywords('New RANSOMWARE strain targets hospitals', ['Ransomware', 'phishing'])).toEqual(['Ransomware']);
  });

  it('matches whole words only', () => {
    expect(matchKeywords('FooVPN appliances and the Ölwerk plant', ['vpn', 'öl'])).toEqual([]);
    expect(matchKeywords('A VPN appliance', ['vpn'])).toEqual(['vpn']);
  });

  it('handles keywords with hyphens and digits such as CVE ids, without prefix matches', () => {
    const text = 'Patch CVE-2026-12345 now; CVE-2026-1234 is a zero-day.';
    expect(matchKeywords(text, ['CVE-2026-1234', 'zero-day', 'CVE-2026-123'])).toEqual(['CVE-2026-1234', 'zero-day']);
  });

  it('matches multi-word keywords across any whitespace, including line breaks', () => {
    expect(matchKeywords('allows Remote  Code\nExecution via crafted packets', ['remote code execution'])).toEqual(['remote code execution']);
    expect(matchKeywords('remote code-execution', ['remote code execution'])).toEqual([]);
  });

  it('treats regular-expression characters in keywords literally', () => {
    expect(matchKeywords('Bug in C++ runtime and .NET (CVE)', ['C++', '.NET', '(CVE)', 'C#'])).toEqual(['C++', '.NET', '(CVE)']);
    expect(matchKeywords('CxxNET', ['C++', '.NET'])).toEqual([]);
  });

  it('uses Unicode word boundaries, not ASCII ones', () => {
    expect(matchKeywords('Kritische Schwachstelle in Übersetzungsdienst', ['Schwachstelle', 'Über'])).toEqual(['Schwachstelle']);
    expect(matchKeywords('Une faille « zero-day » sur l’équipement', ['équipement', 'zéro-day'])).toEqual(['équipement']);
  });

  it('finds keywords in scripts written without spaces', () => {
    expect(matchKeywords('ランサムウェア攻撃に関する注意喚起', ['ランサムウェア', 'フィッシング'])).toEqual(['ランサムウェア']);
  });

  it('normalises compatibility forms so full-width text still matches', () => {
    expect(matchKeywords('ＣＶＥ－２０２６－１２３４ exploited', ['CVE-2026-1234'])).toEqual(['CVE-2026-1234']);
  });

  it('ignores blank and duplicate keywords', () => {
    expect(matchKeywords('zero-day', ['', '  ', 'Zero-Day', 'zero-day'])).toEqual(['Zero-Day']);
    expect(matchKeywords('anything', [])).toEqual([]);
  });
});
