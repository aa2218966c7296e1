/**
 * `signaldesk indicators --csv IN.csv --set ema:21,rsi:14,… --out OUT.csv`: runs the live
 * indicator engine over a candle CSV (`timestamp,open,high,low,close,volume`) and writes
 * `timestamp` then one column per feature, one row per input row, empty cells while warming.
 * Bad arguments or a malformed CSV: one line naming the problem on stderr, exit code 2.
 */
import fs from 'node:fs';
import { createFeatureEngine, parseSpecList, SpecError, type Bar, type IndicatorSpec } from '../indicators';

export const INDICATORS_USAGE = `Usage: signaldesk indicators --csv IN.csv --set ema:21,sma:50,rsi:14,macd:12:26:9,atr:14,bb:20:2,obv [--out OUT.csv]

  --csv FILE   candles: header timestamp,open,high,low,close,volume (ms or s UTC, or ISO dates; ascending)
  --set LIST   indicators, comma-separated kind:params — ema:N sma:N rsi:N macd:F:S:G atr:N bb:N:K
               obv vwap stoch:N:D adx:N volume_ratio:N sr:N
  --out FILE   where to write the CSV (default: standard output)`;

/** A problem with the arguments or the input: reported on one line, exit code 2. */
export class UsageError extends Error {}

export interface IndicatorsArgs {
  csv: string;
  specs: IndicatorSpec[];
  out: string | null;
}

export function parseIndicatorsArgs(argv: readonly string[]): IndicatorsArgs | 'help' {
  let csv: string | undefined;
  let set: string | undefined;
  let out: string | undefined;
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
      case '--set':
        set = value();
        break;
      case '--out':
        out = value();
        break;
      case '--help':
      case '-h':
        return 'help';
      default:
        throw new UsageError(`unknown argument "${raw}"`);
    }
  }
  if (!csv) throw new UsageError('--csv IN.csv is required');
  if (!set) throw new UsageError('--set is required (e.g. --set ema:21,rsi:14)');
  let specs: IndicatorSpec[];
  try {
    specs = parseSpecList(set);
  } catch (err) {
    if (err instanceof SpecError) throw new UsageError(`--set: ${err.message}`);
    throw err;
  }
  return { csv, specs, out: out ?? null };
}

const COLUMNS = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;

export interface CsvCandles {
  /** The timestamp cells as written, echoed in the output. */
  stamps: string[];
  bars: Bar[];
}

/** A cell without surrounding blanks and double quotes (`"1.5"` → `1.5`); quoted commas are not supported. */
const unquote = (cell: string): string => {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A timestamp cell as ms UTC: milliseconds since 1970; seconds when below 1e11 (as exchanges and
 * charting tools export them: 1e11 ms would be 1973); or an ISO 8601 date, UTC unless it names a
 * zone. Only the session VWAP reads the time; the output echoes the cell as written.
 */
export function parseStamp(cell: string): number {
  if (cell === '') return NaN;
  const n = Number(cell);
  if (Number.isFinite(n)) return Math.abs(n) < 1e11 ? n * 1000 : n;
  const m = ISO_DATE.exec(cell);
  if (!m) return NaN;
  const iso = cell.replace(' ', 'T');
  return Date.parse(m[1] || !iso.includes('T') ? iso : `${iso}Z`);
}

/** Parses the candle CSV; throws UsageError naming the line and the problem. */
export function parseCandleCsv(text: string, file: string): CsvCandles {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) throw new UsageError(`${file}: empty file`);
  const header = lines[0]!.replace(/^\uFEFF/, '').split(',').map((h) => unquote(h).toLowerCase());
  let cols: number[];
  let start = 1;
  if (header.every((h) => /^-?[\d.]+(e[-+]?\d+)?$/.test(h))) {
    // No header: the six columns in the usual order.
    if (header.length !== 6) throw new UsageError(`${file}: line 1: expected 6 columns (timestamp,open,high,low,close,volume), got ${header.length}`);
    cols = [0, 1, 2, 3, 4, 5];
    start = 0;
  } else {
    cols = COLUMNS.map((c) => {
      const alt = c === 'timestamp' ? ['timestamp', 'time', 'ts', 'date'] : [c];
      const at = header.findIndex((h) => alt.includes(h));
      if (at < 0) throw new UsageError(`${file}: header has no "${c}" column (expected timestamp,open,high,low,close,volume)`);
      return at;
    });
  }
  const width = header.length;
  const stamps: string[] = [];
  const bars: Bar[] = [];
  let prevTs = -Infinity;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    const at = `${file}: line ${i + 1}`;
    if (line.trim() === '') throw new UsageError(`${at}: empty line`);
    const cells = line.split(',').map(unquote);
    if (cells.length !== width) throw new UsageError(`${at}: expected ${width} columns, got ${cells.length}`);
    const v = cols.map((c, k) => {
      const cell = cells[c]!.trim();
      const n = k === 0 ? parseStamp(cell) : cell === '' ? NaN : Number(cell);
      if (!Number.isFinite(n)) throw new UsageError(`${at}: ${COLUMNS[k]} "${cell}" is not a ${k === 0 ? 'time (ms or s since 1970, or an ISO 8601 date)' : 'number'}`);
      return n;
    });
    const [ts, open, high, low, close, volume] = v as [number, number, number, number, number, number];
    if (ts <= prevTs) throw new UsageError(`${at}: timestamp ${cells[cols[0]!]!.trim()} is not after the previous row's (rows must be ascending)`);
    if (volume < 0) throw new UsageError(`${at}: volume is negative`);
    if (high < low) throw new UsageError(`${at}: high ${high} is below low ${low}`);
    prevTs = ts;
    stamps.push(cells[cols[0]!]!.trim());
    bars.push({ ts, open, high, low, close, volume });
  }
  if (bars.length === 0) throw new UsageError(`${file}: no candle rows after the header`);
  return { stamps, bars };
}

/** The output CSV text. */
export function indicatorsCsv(specs: readonly IndicatorSpec[], candles: CsvCandles): string {
  // The engine computes a repeated spec once; the columns are its feature names, in order.
  const engine = createFeatureEngine(specs);
  const cols = engine.names;
  const parts: string[] = [['timestamp', ...cols].join(',')];
  candles.bars.forEach((bar, i) => {
    const v = engine.step(bar);
    let line = candles.stamps[i]!;
    for (let j = 0; j < v.length; j++) {
      const x = v[j]!;
      line += Number.isNaN(x) ? ',' : `,${x}`;
    }
    parts.push(line);
  });
  return parts.join('\n') + '\n';
}

export async function runIndicators(argv: readonly string[]): Promise<number> {
  try {
    const args = parseIndicatorsArgs(argv);
    if (args === 'help') {
      console.log(INDICATORS_USAGE);
      return 0;
    }
    let text: string;
    try {
      text = fs.readFileSync(args.csv, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${args.csv}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const csv = indicatorsCsv(args.specs, parseCandleCsv(text, args.csv));
    if (args.out) {
      try {
        fs.writeFileSync(args.out, csv);
      } catch (err) {
        throw new UsageError(`cannot write ${args.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    } else {
      process.stdout.write(csv);
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`signaldesk indicators: ${err.message}`);
      return 2;
    }
    throw err;
  }
}
