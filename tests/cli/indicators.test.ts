import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/serve';
import { OHLCV_DIR, readOhlcv } from '../helpers/ohlcv';
import { referenceColumns, toBars } from '../indicators/reference';

const TSX = createRequire(__filename).resolve('tsx/cjs');
const ENTRY = path.join(ROOT, 'engine/cli/entry.ts');
const BIN = path.join(ROOT, 'scripts/signaldesk.cjs');
const SET = 'ema:21,sma:50,rsi:14,macd:12:26:9,atr:14,bb:20:2,obv';
const COLUMNS = [
  'timestamp',
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
];

/** The CLI as a child process, from source (the same main() the built bin runs). */
function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['-r', TSX, ENTRY, 'indicators', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function readCsv(file: string): string[][] {
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(','));
}

describe('signaldesk indicators', () => {
  it('writes timestamp and one column per output, one row per input row, equal to technicalindicators', () => {
    const dir = tempDir('sd-cli-');
    const name = 'bittrex_ETH-BTC_5m.csv';
    const out = path.join(dir, 'out.csv');
    const r = cli(['--csv', path.join(OHLCV_DIR, name), '--set', SET, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = readCsv(out);
    expect(rows[0]).toEqual(COLUMNS);
    const candles = readOhlcv(name);
    expect(rows.length - 1).toBe(candles.length);
    const ref = referenceColumns(toBars(candles), COLUMNS.slice(1));
    const price = Math.max(...candles.map((c) => c[2]));
    const volume = candles.reduce((s, c) => s + c[5], 0);
    let compared = 0;
    rows.slice(1).forEach((row, i) => {
      expect(Number(row[0])).toBe(candles[i]![0]);
      expect(row.length).toBe(COLUMNS.length);
      COLUMNS.slice(1).forEach((col, j) => {
        const cell = row[j + 1]!;
        const want = ref[col]![i];
        if (want === undefined) {
          expect(cell, `${col} row ${i} is empty while warming`).toBe('');
          return;
        }
        const tol = col === 'rsi_14' ? 0.005 : col === 'obv' ? 1e-9 * volume : 1e-9 * price;
        const got = Number(cell);
        if (cell === '' || Math.abs(got - want) > tol) expect.fail(`${col} row ${i}: "${cell}" vs technicalindicators ${want}`);
        compared++;
      });
    });
    expect(compared).toBeGreaterThan(5000 * 11);
    // Warm-up: the first row is empty everywhere, OBV starts on the second, SMA 50 on the 50th.
    expect(rows[1]!.slice(1).every((c) => c === '')).toBe(true);
    expect(rows[2]![11]).not.toBe('');
    expect(rows[49]![2]).toBe('');
    expect(rows[50]![2]).not.toBe('');
  });

  it('writes to standard output without --out and accepts a headerless CSV', () => {
    const dir = tempDir('sd-cli-');
    const file = path.join(dir, 'in.csv');
    const lines = fs.readFileSync(path.join(OHLCV_DIR, 'poloniex_XRP-BTC_1d.csv'), 'utf8').trim().split('\n');
    fs.writeFileSync(file, lines.slice(1).join('\n') + '\n');
    const r = cli(['--csv', file, '--set', 'rsi:14,obv']);
    expect(r.code).toBe(0);
    const out = r.stdout.trim().split('\n');
    expect(out[0]).toBe('timestamp,rsi_14,obv');
    expect(out.length).toBe(lines.length);
  });

  it('answers bad arguments and malformed CSVs with one line naming the problem and exit code 2', () => {
    const dir = tempDir('sd-cli-');
    const good = path.join(OHLCV_DIR, 'poloniex_XRP-BTC_1d.csv');
    const write = (name: string, text: string): string => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, text);
      return f;
    };
    const H = 'timestamp,open,high,low,close,volume\n';
    const cases: Array<[string[], RegExp]> = [
      [['--set', SET], /--csv IN\.csv is required/],
      [['--csv', good], /--set is required/],
      [['--csv', good, '--set', 'ema:21,foo:3'], /--set: unknown indicator "foo"/],
      [['--csv', good, '--set', 'macd:26:12:9'], /fast period must be shorter/],
      [['--csv', good, '--set', 'ema:21', '--bogus'], /unknown argument "--bogus"/],
      [['--csv', good, '--set'], /--set needs a value/],
      [['--csv', path.join(dir, 'missing.csv'), '--set', SET], /cannot read .*missing\.csv: ENOENT/],
      [['--csv', write('empty.csv', ''), '--set', SET], /empty\.csv: empty file/],
      [['--csv', write('onlyheader.csv', H), '--set', SET], /no candle rows/],
      [['--csv', write('nocol.csv', 'timestamp,open,high,low,close\n1,1,1,1,1\n'), '--set', SET], /header has no "volume" column/],
      [['--csv', write('text.csv', `${H}60000,1,2,0.5,abc,10\n`), '--set', SET], /line 2: close "abc" is not a number/],
      [['--csv', write('short.csv', `${H}60000,1,2,0.5,1\n`), '--set', SET], /line 2: expected 6 columns, got 5/],
      [['--csv', write('order.csv', `${H}120000,1,2,0.5,1,1\n60000,1,2,0.5,1,1\n`), '--set', SET], /line 3: timestamp 60000 is not after/],
      [['--csv', write('neg.csv', `${H}60000,1,2,0.5,1,-1\n`), '--set', SET], /line 2: volume is negative/],
      [['--csv', write('hl.csv', `${H}60000,1,0.5,2,1,1\n`), '--set', SET], /line 2: high 0\.5 is below low 2/],
      [['--csv', good, '--set', SET, '--out', path.join(dir, 'no/such/dir/out.csv')], /cannot write .*ENOENT/],
    ];
    for (const [args, msg] of cases) {
      const r = cli(args);
      expect(r.code, `${args.join(' ')} → ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^signaldesk indicators: /);
    }
  }, 180_000);

  it('runs through the installed bin (npx signaldesk) from the build', () => {
    const dir = tempDir('sd-cli-');
    const out = path.join(dir, 'out.csv');
    const ok = spawnSync(process.execPath, [BIN, 'indicators', '--csv', path.join(OHLCV_DIR, 'bittrex_BTC-USDT_1d.csv'), '--set', SET, '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(ok.status, ok.stderr).toBe(0);
    expect(readCsv(out)[0]).toEqual(COLUMNS);
    const bad = spawnSync(process.execPath, [BIN, 'indicators', '--csv', out, '--set', 'ema:x'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('signaldesk indicators: --set: bad parameter "x" in "ema:x": expected a positive number');
  });
});
