import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/pricing/catalog.js';
import { normalizeModelName } from '../../src/pricing/model-ids.js';

describe('canonical model ids', () => {
  const ids = loadCatalog().modelIds;

  it.each([
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5'],
    ['Claude Haiku 4.5', 'claude-haiku-4-5'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['jp.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['global.anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5'],
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
    ['claude-opus-4-8', 'claude-opus-4-8'],
    ['claude-3-5-haiku-20241022', 'claude-3-5-haiku'],
    ['anthropic/claude-4.5-sonnet-20250929', 'claude-sonnet-4-5'],
    ['claude-4-opus', 'claude-opus-4-0'],
    ['Claude Opus 4', 'claude-opus-4-0'],
    ['gpt-4.1-mini-2025-04-14', 'gpt-4.1-mini'],
    ['openai/gpt-4.1-2025-04-14', 'gpt-4.1'],
    ['o4-mini-2025-04-16', 'o4-mini'],
    ['gpt-5-2025-08-07', 'gpt-5'],
    ['gpt-4o-2024-05-13', 'gpt-4o-2024-05-13'], // its own (older, dearer) price
    ['amazon.nova-pro-v1:0', 'nova-pro'],
    ['us.amazon.nova-lite-v1:0', 'nova-lite'],
  ])('%s → %s', (raw, canonical) => {
    expect(ids.canonical(raw)).toBe(canonical);
  });

  it('keeps an unknown model under its normalized name instead of borrowing a neighbour', () => {
    expect(ids.canonical('claude-opus-4-9-20261101')).toBe('claude-opus-4-9');
    expect(ids.canonical('gpt-4.1-mini-custom')).toBe('gpt-4.1-mini-custom');
    expect(ids.canonical('my-local-llama')).toBe('my-local-llama');
  });

  it('treats blank names as no model', () => {
    expect(ids.canonical('  ')).toBeNull();
    expect(ids.canonical(null)).toBeNull();
  });

  it('normalizes by fixed rules only', () => {
    expect(normalizeModelName('models/gemini-2.5-pro')).toBe('gemini-2.5-pro');
    expect(normalizeModelName('claude-sonnet-4.5')).toBe('claude-sonnet-4-5');
    expect(normalizeModelName('gpt-4.1')).toBe('gpt-4.1'); // dots stay outside the Claude family
  });
});

describe('bundled catalog', () => {
  const catalog = loadCatalog();
  // the model's home provider's rows (other providers' own rows are tested in per-provider.test.ts)
  const rowsOf = (model: string) => catalog.prices.filter((p) => p.model === model && p.provider === catalog.homes.get(model));

  it('covers the models the first importers meet', () => {
    for (const m of [
      'claude-opus-4-5', 'claude-opus-4-6', 'claude-opus-4-7', 'claude-opus-4-8', 'claude-sonnet-4-0', 'claude-sonnet-4-5',
      'claude-3-5-haiku', 'claude-haiku-4-5', 'gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano',
      'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'o1', 'o3', 'o3-mini', 'o4-mini',
    ]) {
      expect(rowsOf(m).length, m).toBeGreaterThan(0);
    }
  });

  it('has absolute cache rates and a long-context tier for Sonnet 4.5', () => {
    const [row] = rowsOf('claude-sonnet-4-5');
    expect(row).toMatchObject({
      input_usd_per_mtok: 3,
      output_usd_per_mtok: 15,
      cache_read_usd_per_mtok: 0.3,
      cache_write_5m_usd_per_mtok: 3.75,
      cache_write_1h_usd_per_mtok: 6,
      long_context_above_tokens: 200000,
      lc_input_usd_per_mtok: 6,
      lc_output_usd_per_mtok: 22.5,
    });
  });

  it('keeps effective dates: Opus 4.6 drops its long-context premium from 2026-03-13', () => {
    const rows = rowsOf('claude-opus-4-6');
    expect(rows.map((r) => [r.effective_from, r.effective_to, r.long_context_above_tokens])).toEqual([
      [null, '2026-03-13', 200000],
      ['2026-03-13', null, null],
    ]);
  });

  it('has a stable fingerprint', () => {
    expect(catalog.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(loadCatalog().fingerprint).toBe(catalog.fingerprint);
  });
});
