import { describe, expect, it } from 'vitest';
import {
  PROFILES,
  SpecError,
  createFeatureEngine,
  featureNames,
  getProfile,
  parseSpec,
  parseSpecList,
  profileFeatureNames,
  profileSpecs,
} from '../../engine/indicators';

describe('indicator specs', () => {
  it('parses written specs and names their features like the CLI columns', () => {
    expect(parseSpec('macd:12:26:9')).toEqual({ kind: 'macd', params: [12, 26, 9] });
    expect(parseSpec('rsi')).toEqual({ kind: 'rsi', params: [14] });
    const names = parseSpecList('ema:21,sma:50,rsi:14,macd:12:26:9,atr:14,bb:20:2,obv').flatMap(featureNames);
    expect(names).toEqual([
      'ema_21',
      'sma_50',
      'rsi_14',
      'macd_12_26_9',
      'macd_signal_12_26_9',
      'macd_hist_12_26_9',
      'atr_14',
      'bb_upper_20_2',
      'bb_middle_20_2',
      'bb_lower_20_2',
      'obv',
    ]);
    expect(featureNames(parseSpec('stoch:14:3'))).toEqual(['stoch_k_14_3', 'stoch_d_14_3']);
    expect(featureNames(parseSpec('adx:14'))).toEqual(['adx_14', 'pdi_14', 'mdi_14']);
    expect(featureNames(parseSpec('volume_ratio:20'))).toEqual(['volume_ratio_20']);
    expect(featureNames(parseSpec('sr:5'))).toEqual(['sr_support_5', 'sr_resistance_5']);
    expect(featureNames(parseSpec('vwap'))).toEqual(['vwap']);
  });

  it('rejects bad specs with a message naming the problem', () => {
    const bad: Array<[string, RegExp]> = [
      ['foo:3', /unknown indicator "foo"/],
      ['ema:0', /ema: period must be a whole number/],
      ['ema:2.5', /ema: period must be a whole number/],
      ['ema:-3', /bad parameter "-3"/],
      ['ema:x', /bad parameter "x"/],
      ['macd:26:12:9', /fast period must be shorter/],
      ['macd:12:26', /expected 3/],
      ['obv:3', /expected none/],
      ['bb:20:0', /stddev must be greater than 0/],
      ['', /empty/],
    ];
    for (const [text, msg] of bad) expect(() => parseSpec(text), text).toThrow(msg);
    expect(() => parseSpecList('ema:21,,rsi:14')).toThrow(SpecError);
  });
});

describe('feature profiles', () => {
  it('has trend_follow_v1, mean_reversion_v1 and full_v1, and full_v1 extends trend_follow_v1', () => {
    expect(PROFILES.map((p) => p.name)).toEqual(expect.arrayContaining(['trend_follow_v1', 'mean_reversion_v1', 'full_v1']));
    expect(getProfile('full_v1')!.extends).toBe('trend_follow_v1');
    const trend = profileFeatureNames('trend_follow_v1');
    const full = profileFeatureNames('full_v1');
    expect(full.slice(0, trend.length)).toEqual(trend);
    expect(full).toContain('rsi_14');
    expect(full).toContain('sr_support_5');
    expect(new Set(full).size).toBe(full.length);
    expect(() => profileSpecs('nope_v1')).toThrow(/unknown feature profile "nope_v1"/);
  });

  it('every profile builds an engine whose names are the profile names', () => {
    for (const p of PROFILES) {
      const e = createFeatureEngine(profileSpecs(p.name));
      expect([...e.names]).toEqual(profileFeatureNames(p.name));
    }
  });

  it('computes a repeated spec once', () => {
    const e = createFeatureEngine(parseSpecList('ema:21,rsi:14,ema:21'));
    expect([...e.names]).toEqual(['ema_21', 'rsi_14']);
  });
});
