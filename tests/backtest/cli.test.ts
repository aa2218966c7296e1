/** `signaldesk backtest` through the real CLI (a child process running the same main() as the built bin). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseCandleCsv } from '../../engine/cli/indicators';
import { runBacktest } from '../../engine/backtest/runner';
import { ROOT, tempDir } from '../helpers/serve';

const TSX = createRequire(__filename).resolve('tsx/cjs');
const ENTRY = path.join(ROOT, 'engine/cli/entry.ts');
const CSV = path.join(ROOT, 'tests/fixtures/ohlcv/bittrex_ETH-BTC_5m.csv');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['-r', TSX, ENTRY, 'backtest', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TRADE_KEYS = ['symbol', 'side', 'entryTs', 'entryPrice', 'exitTs', 'exitPrice', 'amount', 'fees', 'pnl', 'exitReason'];

describe('signaldesk backtest', () => {
  it('--json prints {metrics, trades} with the issue’s names, equal to the engine on the same bars and settings', () => {
    const r = cli(['--csv', CSV, '--strategy', 'ema_cross', '--params', 'fast=5,slow=20', '--balance', '5000', '--stake', '10%', '--taker-bps', '7', '--maker-bps', '2', '--slippage-bps', '3', '--direction', 'both', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { metrics: Record<string, unknown>; trades: Array<Record<string, unknown>> };
    expect(Object.keys(out)).toEqual(['metrics', 'trades']);
    expect(out.trades.length).toBeGreaterThan(10);
    for (const t of out.trades) expect(Object.keys(t)).toEqual(TRADE_KEYS);
    expect(new Set(out.trades.map((t) => t.side))).toEqual(new Set(['long', 'short']));
    for (const k of ['finalEquity', 'totalReturnPct', 'cagrPct', 'maxDrawdownPct', 'sharpe', 'sortino', 'calmar', 'profitFactor', 'winRatePct', 'expectancy', 'trades', 'exposurePct', 'feesPaid', 'buyHoldReturnPct', 'monthly']) {
      expect(out.metrics).toHaveProperty(k);
    }
    const { bars } = parseCandleCsv(fs.readFileSync(CSV, 'utf8'), CSV);
    const engine = runBacktest(
      {
        strategy: { id: 'ema_cross', params: { fast: 5, slow: 20 } },
        timeframe: '5m',
        initialBalance: 5000,
        stake: { mode: 'equityPercent', value: 10 },
        takerBps: 7,
        makerBps: 2,
        slippageBps: 3,
        direction: 'both',
      },
      [{ symbol: 'bittrex_ETH-BTC_5m', bars }],
    );
    expect(out.trades).toEqual(JSON.parse(JSON.stringify(engine.trades)));
    expect(out.metrics.finalEquity).toBe(engine.metrics.finalEquity);
    // the balance moves by exactly the trades' pnl
    const pnl = engine.trades.reduce((a, t) => a + t.pnl, 0);
    expect(engine.metrics.finalEquity).toBeCloseTo(5000 + pnl, 6);
  });

  it('defaults: balance 10,000, stake 1,000 per trade, long only; without --json a metrics table', () => {
    const json = JSON.parse(cli(['--csv', CSV, '--strategy', 'ema_cross', '--json']).stdout) as { metrics: { initialBalance: number }; trades: Array<{ side: string; amount: number; entryPrice: number }> };
    expect(json.metrics.initialBalance).toBe(10_000);
    expect(json.trades.every((t) => t.side === 'long')).toBe(true);
    for (const t of json.trades) expect(t.amount * t.entryPrice).toBeCloseTo(1000, 6);
    const table = cli(['--csv', CSV, '--strategy', 'ema_cross']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^finalEquity\s+\d/m);
    expect(table.stdout).toMatch(/^maxDrawdownPct\s+\d/m);
    expect(table.stdout).toMatch(/^trades\s+\d+$/m);
  });

  it('bad arguments, an unknown strategy, refused params or a malformed CSV: one line on stderr, exit 2', () => {
    const dir = tempDir('sd-bt-cli-');
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'timestamp,open,high,low,close,volume\n1,2,3,1,2,5\n2,2,x,1,2,5\n');
    const cases: Array<[string[], RegExp]> = [
      [['--strategy', 'ema_cross'], /--csv/],
      [['--csv', CSV], /--strategy/],
      [['--csv', CSV, '--strategy', 'nope'], /Unknown strategy: nope/],
      [['--csv', CSV, '--strategy', 'ema_cross', '--params', 'fast=30,slow=10'], /fast must be shorter than slow/],
      [['--csv', CSV, '--strategy', 'ema_cross', '--params', 'speed=3'], /params/],
      [['--csv', CSV, '--strategy', 'ema_cross', '--params', 'fast'], /not key=value/],
      [['--csv', CSV, '--strategy', 'ema_cross', '--direction', 'sideways'], /--direction/],
      [['--csv', CSV, '--strategy', 'ema_cross', '--stake', '-5'], /--stake/],
      [['--csv', CSV, '--strategy', 'ema_cross', '--stake', '150%'], /--stake/],
      [['--csv', CSV, '--strategy', 'ema_cross', '--taker-bps', 'x'], /--taker-bps/],
      [['--csv', CSV, '--strategy', 'ema_cross', '--balance', '0'], /--balance/],
      [['--csv', CSV, '--strategy', 'ema_cross', '--frobnicate'], /unknown argument/],
      [['--csv', bad, '--strategy', 'ema_cross'], /line 3: high "x" is not a number/],
      [['--csv', path.join(dir, 'missing.csv'), '--strategy', 'ema_cross'], /cannot read/],
    ];
    for (const [args, msg] of cases) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0]).toMatch(/^signaldesk backtest: /);
      expect(lines[0]).toMatch(msg);
    }
  }, 300_000); // fourteen child processes: slow on a loaded machine
});
