/**
 * The indicators CLI on ANY candle CSV: every real file in tests/fixtures/ohlcv and the edge
 * cases a trader's export may have (constant prices, zero volume, time gaps, one row, CRLF line
 * endings, a header in another case and order) — values equal technicalindicators' cell by cell.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { indicatorsCsv, parseCandleCsv, parseStamp } from '../../engine/cli/indicators';
import { parseSpecList } from '../../engine/indicators';
import { ROOT, tempDir } from '../helpers/serve';
import { OHLCV_DIR } from '../helpers/ohlcv';
import { referenceColumns } from '../indicators/reference';

const TSX = createRequire(__filename).resolve('tsx/cjs');
const ENTRY = path.join(ROOT, 'engine/cli/entry.ts');
const SET = 'ema:21,sma:50,rsi:14,macd:12:26:9,atr:14,bb:20:2,obv,stoch:14:3,adx:14,volume_ratio:20,vwap';

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['-r', TSX, ENTRY, 'indicators', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Tolerance per column: technicalindicators rounds RSI to 2 decimals (and Stochastic/ADX to a few). */
function tolerance(col: string, scale: { price: number; volume: number }): number {
  if (/^rsi_/.test(col)) return 0.005 + 1e-9;
  if (/^(stoch_|adx_|pdi_|mdi_)/.test(col)) return 1e-6;
  if (col === 'obv') return 1e-9 * Math.max(1, scale.volume);
  if (/^volume_ratio_/.test(col)) return 1e-9;
  return 1e-9 * Math.max(1e-12, scale.price);
}

/** Compares a CLI output text with technicalindicators on the same input; returns cells compared. */
function expectEqualToReference(text: string, file: string, out: string): number {
  const candles = parseCandleCsv(text, file);
  const lines = out.replace(/\n$/, '').split('\n');
  const header = lines[0]!.split(',');
  expect(header[0]).toBe('timestamp');
  expect(lines.length - 1, `${file}: one row per input row`).toBe(candles.bars.length);
  const cols = header.slice(1);
  const ref = referenceColumns(candles.bars, cols);
  const scale = { price: Math.max(...candles.bars.map((b) => b.high)), volume: candles.bars.reduce((s, b) => s + b.volume, 0) };
  let compared = 0;
  for (let i = 1; i < lines.length; i++) {
    const row = lines[i]!.split(',');
    expect(row.length, `${file} row ${i}`).toBe(header.length);
    expect(row[0]).toBe(candles.stamps[i - 1]);
    cols.forEach((col, j) => {
      const cell = row[j + 1]!;
      let want = ref[col]?.[i - 1];
      // Documented difference: before any volume in a session our VWAP is the bar's typical price (technicalindicators: 0/0).
      const b = candles.bars[i - 1]!;
      if (col === 'vwap' && Number.isNaN(want)) want = (b.high + b.low + b.close) / 3;
      // Documented difference: a DX over a zero DI sum (a flat stretch) counts as 0 (technicalindicators: NaN from then on).
      if (/^adx_/.test(col) && Number.isNaN(want)) want = 0;
      // Documented difference: technicalindicators prints a MACD signal of exactly 0 as missing (`signal ? … : undefined`)
      // while its histogram (MACD − 0) is there; we write the 0.
      const hist = col.replace(/^macd_signal_/, 'macd_hist_');
      if (col.startsWith('macd_signal_') && want === undefined && ref[hist]?.[i - 1] !== undefined) want = 0;
      // pdi/mdi: technicalindicators starts them with ADX; we give them as soon as they exist.
      if (want === undefined || (typeof want === 'number' && !Number.isFinite(want))) {
        if (!/^(pdi|mdi)_/.test(col) && cell !== '') expect.fail(`${file} ${col} row ${i}: "${cell}" but technicalindicators has no value`);
        return;
      }
      const got = Number(cell);
      if (cell === '' || !(Math.abs(got - want) <= tolerance(col, scale))) expect.fail(`${file} ${col} row ${i}: "${cell}" vs technicalindicators ${want}`);
      compared++;
    });
  }
  return compared;
}

const run = (text: string, file = 'in.csv'): string => indicatorsCsv(parseSpecList(SET), parseCandleCsv(text, file));

describe('signaldesk indicators on any CSV', () => {
  const files = fs.readdirSync(OHLCV_DIR).filter((f) => f.endsWith('.csv')).sort();

  it('finds all eleven candle files of tests/fixtures/ohlcv, each compared cell by cell below', () => {
    expect(files).toEqual([
      'binance-futures_XRP-USDT_5m.csv',
      'binance_XRP-ETH_1m.csv',
      'binance_XRP-ETH_5m.csv',
      'bittrex_BTC-USDT_1d.csv',
      'bittrex_ETC-BTC_1m.csv',
      'bittrex_ETH-BTC_1m.csv',
      'bittrex_ETH-BTC_30m.csv',
      'bittrex_ETH-BTC_5m.csv',
      'bittrex_LTC-BTC_5m.csv',
      'poloniex_XRP-BTC_1d.csv',
      'unknown-exchange_BTC-USDT_5m.csv',
    ]);
  });

  for (const name of files) {
    it(`${name}: every cell equals technicalindicators`, () => {
      const text = fs.readFileSync(path.join(OHLCV_DIR, name), 'utf8');
      expect(expectEqualToReference(text, name, run(text, name))).toBeGreaterThan(0);
    });
  }

  const H = 'timestamp,open,high,low,close,volume';
  const rows = (n: number, f: (i: number) => [number, number, number, number, number]): string =>
    Array.from({ length: n }, (_, i) => [1_700_000_000_000 + i * 60_000, ...f(i)].join(',')).join('\n');
  const wave = (i: number): [number, number, number, number, number] => {
    const c = 100 + 10 * Math.sin(i / 7) + (i % 5);
    return [c - 0.5, c + 1 + (i % 3), c - 1 - (i % 2), c, 10 + (i % 11) * 3];
  };

  it('constant prices and zero volume: equal to technicalindicators, no NaN or Infinity written', () => {
    const flat = `${H}\n${rows(120, () => [100, 100, 100, 100, 0])}\n`;
    const out = run(flat);
    expect(out).not.toMatch(/NaN|Infinity/);
    expectEqualToReference(flat, 'flat.csv', out);
    const zeroVol = `${H}\n${rows(120, (i) => { const w = wave(i); w[4] = 0; return w; })}\n`;
    const out2 = run(zeroVol);
    expect(out2).not.toMatch(/NaN|Infinity/);
    expect(expectEqualToReference(zeroVol, 'zero-volume.csv', out2)).toBeGreaterThan(0);
  });

  it('time gaps between rows change nothing but the timestamps', () => {
    const gapped = rows(150, wave)
      .split('\n')
      .map((l, i) => (i >= 60 ? l.replace(/^\d+/, (t) => String(Number(t) + 7 * 86_400_000)) : l));
    const text = `${H}\n${gapped.join('\n')}\n`;
    expect(expectEqualToReference(text, 'gaps.csv', run(text))).toBeGreaterThan(0);
  });

  it('a single row gives the header and one row of empty cells (OBV starts at the second bar)', () => {
    const out = run(`${H}\n1700000000000,1,2,0.5,1.5,10\n`).trim().split('\n');
    expect(out).toHaveLength(2);
    const cells = out[1]!.split(',');
    expect(cells[0]).toBe('1700000000000');
    // Only the session VWAP exists after one bar: the typical price (2 + 0.5 + 1.5) / 3.
    const filled = out[0]!.split(',').flatMap((name, j) => (j > 0 && cells[j] !== '' ? [`${name}=${cells[j]}`] : []));
    expect(filled).toEqual(['vwap=1.3333333333333333']);
  });

  it('CRLF line endings, a BOM, and a header in another case and order give the same values', () => {
    const base = `${H}\n${rows(200, wave)}\n`;
    const want = run(base);
    expect(run(base.replace(/\n/g, '\r\n'))).toBe(want);
    expect(run('\uFEFF' + base)).toBe(want);
    const order = [5, 0, 4, 1, 3, 2];
    const names = H.split(',');
    const shuffled = base
      .trim()
      .split('\n')
      .map((l, i) => {
        const c = l.split(',');
        return order.map((k) => (i === 0 ? names[k]!.toUpperCase() : c[k])).join(',');
      })
      .join('\r\n');
    expect(run(shuffled)).toBe(want);
    expect(run(base.replace('timestamp', ' Timestamp '))).toBe(want);
    // double-quoted cells and header names
    expect(run(base.split('\n').map((l) => l.split(',').map((c) => (c ? `"${c}"` : c)).join(',')).join('\n'))).toBe(want);
  });

  it('timestamps in seconds or as ISO 8601 dates give the same values (the session VWAP included)', () => {
    const ms = rows(3000, wave); // two UTC days and a bit: the VWAP resets in between
    const want = run(`${H}\n${ms}\n`).split('\n').map((l) => l.slice(l.indexOf(',')));
    const conv = (f: (t: number) => string): string => `${H}\n${ms.split('\n').map((l) => l.replace(/^\d+/, (t) => f(Number(t)))).join('\n')}\n`;
    for (const text of [conv((t) => String(t / 1000)), conv((t) => new Date(t).toISOString()), conv((t) => new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')), conv((t) => new Date(t).toISOString().replace('Z', '+00:00'))]) {
      const got = run(text).split('\n').map((l) => l.slice(l.indexOf(',')));
      expect(got).toEqual(want);
    }
    expect(parseStamp('2024-03-01')).toBe(Date.UTC(2024, 2, 1));
    expect(parseStamp('2024-03-01T02:00:00+02:00')).toBe(Date.UTC(2024, 2, 1));
    expect(parseStamp('1709251200')).toBe(Date.UTC(2024, 2, 1));
    expect(parseStamp('1709251200000')).toBe(Date.UTC(2024, 2, 1));
    for (const bad of ['', 'yesterday', '2024-13-45', '01/03/2024']) expect(parseStamp(bad), bad).toBeNaN();
  });

  it('through the process: CRLF file → exit 0 and values; bad input → one line and exit 2', () => {
    const dir = tempDir('sd-cli-any-');
    const f = path.join(dir, 'crlf.csv');
    const text = `${H}\r\n${rows(80, wave).replace(/\n/g, '\r\n')}\r\n`;
    fs.writeFileSync(f, text);
    const ok = cli(['--csv', f, '--set', SET]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(expectEqualToReference(text, f, ok.stdout)).toBeGreaterThan(0);
    const bad: Array<[string, RegExp]> = [
      [`${H}\n1700000000000,1,2,0.5,1.5,10\n1700000060000,1,2,0.5,"",10\n`, /line 3: close "" is not a number/],
      [`${H},${H}\n`, /header/],
      [`${H}\n1700000000000,1,2,0.5,1.5,1e400\n`, /line 2: volume "1e400" is not a number/],
      ['\r\n\r\n', /empty file/],
    ];
    for (const [content, msg] of bad) {
      const b = path.join(dir, 'bad.csv');
      fs.writeFileSync(b, content);
      const r = cli(['--csv', b, '--set', SET]);
      expect(r.code, `${JSON.stringify(content)} → ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });
});
