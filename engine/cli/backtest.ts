/**
 * `signaldesk backtest --csv IN.csv --strategy ID [--params k=v,…] [--balance N] [--stake N | N%]
 * [--taker-bps N] [--maker-bps N] [--slippage-bps N] [--direction long|short|both] [--json]`:
 * the backtest engine (engine/backtest) over a candle CSV in the formats `signaldesk indicators`
 * reads. Prints the metrics as a table, or `{"metrics": {…}, "trades": […]}` with --json.
 * Bad arguments, an unknown strategy, params its schema refuses or a malformed CSV: one line on
 * stderr, exit code 2.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApiError } from '../api/errors';
import { TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from '../api/timeframes';
import { loadStrategy } from '../backtest/decide';
import type { BacktestMetrics } from '../backtest/metrics';
import { runBacktest, type RunSettings } from '../backtest/runner';
import type { Direction, Stake } from '../backtest/types';
import type { Bar } from '../indicators/types';
import { parseCandleCsv, UsageError } from './indicators';

export const BACKTEST_USAGE = `Usage: signaldesk backtest --csv IN.csv --strategy ID [--params k=v,…] [--balance N] [--stake N | N%]
                          [--taker-bps N] [--maker-bps N] [--slippage-bps N] [--direction long|short|both] [--json]

  --csv FILE         candles: timestamp,open,high,low,close,volume (as for signaldesk indicators)
  --strategy ID      ema_cross, momentum, breakout, mean_reversion, scalping
  --params LIST      strategy parameters, e.g. fast=12,slow=26 (defaults from the strategy)
  --balance N        initial balance (default 10000)
  --stake N | N%     quote amount per trade (default 1000), or N% of equity at the fill
  --taker-bps N      taker fee (default 10); --maker-bps N maker fee (default 8)
  --slippage-bps N   slippage on market fills (default 5)
  --direction D      long (default), short or both
  --json             print {"metrics": {…}, "trades": […]} instead of the table`;

export interface BacktestArgs {
  csv: string;
  settings: Omit<RunSettings, 'timeframe'>;
  json: boolean;
}

function number(flag: string, v: string, min: number, strict = false): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || (strict && n === min)) throw new UsageError(`${flag}: "${v}" is not a number ${strict ? 'above' : 'of at least'} ${min}`);
  return n;
}

/** `fast=12,slow=26,stopAtr=1.5`: numbers, true/false, or text, for the strategy's schema to judge. */
export function parseParamList(v: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const part of v.split(',')) {
    const eq = part.indexOf('=');
    const k = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || raw === '') throw new UsageError(`--params: "${part}" is not key=value`);
    out[k] = raw === 'true' ? true : raw === 'false' ? false : Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}

export function parseStake(v: string): Stake {
  if (v.endsWith('%')) {
    const n = number('--stake', v.slice(0, -1), 0, true);
    if (n > 100) throw new UsageError(`--stake: ${v} is more than 100% of equity`);
    return { mode: 'equityPercent', value: n };
  }
  return { mode: 'quoteAmount', value: number('--stake', v, 0, true) };
}

export function parseBacktestArgs(argv: readonly string[]): BacktestArgs | 'help' {
  let csv: string | undefined;
  let strategy: string | undefined;
  let params: Record<string, unknown> = {};
  let json = false;
  const s: Partial<RunSettings> = {};
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string => {
      const v = eq > 0 ? raw.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '' || (eq < 0 && v.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--csv':
        csv = value();
        break;
      case '--strategy':
        strategy = value();
        break;
      case '--params':
        params = parseParamList(value());
        break;
      case '--balance':
        s.initialBalance = number(flag, value(), 0, true);
        break;
      case '--stake':
        s.stake = parseStake(value());
        break;
      case '--taker-bps':
        s.takerBps = number(flag, value(), 0);
        break;
      case '--maker-bps':
        s.makerBps = number(flag, value(), 0);
        break;
      case '--slippage-bps':
        s.slippageBps = number(flag, value(), 0);
        break;
      case '--direction': {
        const d = value();
        if (d !== 'long' && d !== 'short' && d !== 'both') throw new UsageError(`--direction: "${d}" is not long, short or both`);
        s.direction = d as Direction;
        break;
      }
      case '--json':
        if (eq > 0) throw new UsageError('--json takes no value');
        json = true;
        break;
      case '--help':
      case '-h':
        return 'help';
      default:
        throw new UsageError(`unknown argument "${raw}"`);
    }
  }
  if (!csv) throw new UsageError('--csv IN.csv is required');
  if (!strategy) throw new UsageError('--strategy ID is required (e.g. --strategy ema_cross)');
  try {
    loadStrategy({ id: strategy, params });
  } catch (err) {
    if (err instanceof ApiError) throw new UsageError(`--${err.message.startsWith('Unknown') ? 'strategy' : 'params'}: ${err.message}`);
    throw err;
  }
  return { csv, settings: { ...s, strategy: { id: strategy, params } }, json };
}

/** The bars' timeframe: the most common spacing, named when it is one of ours (else 1m with that spacing). */
export function inferTimeframe(bars: readonly Bar[]): { timeframe: Timeframe; barMs: number } {
  const counts = new Map<number, number>();
  for (let i = 1; i < bars.length; i++) {
    const d = bars[i]!.ts - bars[i - 1]!.ts;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let barMs = TIMEFRAME_MS['1m'];
  let best = 0;
  for (const [d, n] of counts) if (n > best) [barMs, best] = [d, n];
  const tf = TIMEFRAMES.find((t) => TIMEFRAME_MS[t] === barMs);
  return { timeframe: tf ?? '1m', barMs };
}

const fmt = (v: number | null): string => (v === null ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(4));
const dur = (ms: number | null): string => (ms === null ? '—' : ms >= 86_400_000 ? `${(ms / 86_400_000).toFixed(2)}d` : `${(ms / 3_600_000).toFixed(2)}h`);

/** The metrics as an aligned two-column table, then the monthly returns. */
export function metricsTable(m: BacktestMetrics): string {
  const rows: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(m)) {
    if (k === 'monthly' || k === 'goals') continue;
    rows.push([k, k.endsWith('DurationMs') ? dur(v as number | null) : fmt(v as number | null)]);
  }
  const w = Math.max(...rows.map((r) => r[0].length));
  const lines = rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`);
  if (m.monthly.length) {
    lines.push('', 'month     returnPct  income');
    for (const x of m.monthly) lines.push(`${x.month}  ${x.returnPct.toFixed(2).padStart(9)}  ${x.income.toFixed(2)}`);
  }
  return lines.join('\n') + '\n';
}

export async function runBacktestCli(argv: readonly string[]): Promise<number> {
  try {
    const args = parseBacktestArgs(argv);
    if (args === 'help') {
      console.log(BACKTEST_USAGE);
      return 0;
    }
    let text: string;
    try {
      text = fs.readFileSync(args.csv, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${args.csv}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const { bars } = parseCandleCsv(text, args.csv);
    const tf = inferTimeframe(bars);
    const symbol = path.basename(args.csv).replace(/\.csv$/i, '');
    const r = runBacktest({ ...args.settings, ...tf }, [{ symbol, bars }]);
    process.stdout.write(args.json ? JSON.stringify({ metrics: r.metrics, trades: r.trades }) + '\n' : metricsTable(r.metrics));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`signaldesk backtest: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

