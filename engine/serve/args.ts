/** Parses serve-mode flags. Unknown or malformed flags are reported, never guessed. */
import os from 'node:os';
import path from 'node:path';

export interface ServeArgs {
  port: number;
  host: string;
  dataDir: string;
  allowRemote: boolean;
  simSpeed: number;
  simSymbols: number;
  simSeed: number;
  simHistoryDays: number;
  tickMs: number;
  /** Start with a new empty store when the database file is empty (zero length). */
  fresh: boolean;
  /** Unread bytes (MB) a WebSocket client may hold before it is closed (4008). */
  wsBudgetMb: number;
}

export class ArgsError extends Error {}

export const DEFAULT_DATA_DIR = path.join(os.homedir(), '.signaldesk');

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
export const isLoopback = (h: string): boolean => LOOPBACK.has(h) || h.startsWith('127.');

export const SERVE_USAGE = `Usage: npm run serve -- [--port 4780] [--host 127.0.0.1] [--data-dir DIR] [--allow-remote] [--fresh] [--ws-budget-mb 16]
                       [--sim-speed N] [--sim-symbols N] [--sim-seed N] [--sim-history-days N]`;

export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServeArgs {
  const out: ServeArgs = {
    port: 4780,
    host: '127.0.0.1',
    dataDir: env.SIGNALDESK_DATA_DIR ?? DEFAULT_DATA_DIR,
    allowRemote: false,
    simSpeed: 1,
    simSymbols: 8,
    simSeed: 42,
    simHistoryDays: 14,
    tickMs: 500,
    fresh: false,
    wsBudgetMb: 16,
  };
  const num = (flag: string, v: string | undefined, min: number, max: number, int = true): number => {
    if (v === undefined) throw new ArgsError(`${flag} needs a value`);
    const n = Number(v);
    if (!Number.isFinite(n) || (int && !Number.isInteger(n)) || n < min || n > max) {
      throw new ArgsError(`${flag} must be ${int ? 'an integer' : 'a number'} from ${min} to ${max}, got "${v}"`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] ?? '';
    const [flag, inline] = raw.includes('=') ? [raw.slice(0, raw.indexOf('=')), raw.slice(raw.indexOf('=') + 1)] : [raw, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--port': out.port = num(flag, value(), 0, 65535); break;
      case '--host': {
        const v = value();
        if (!v) throw new ArgsError('--host needs a value');
        out.host = v;
        break;
      }
      case '--data-dir': {
        const v = value();
        if (!v) throw new ArgsError('--data-dir needs a value');
        out.dataDir = path.resolve(v);
        break;
      }
      case '--allow-remote': out.allowRemote = true; break;
      case '--fresh': out.fresh = true; break;
      case '--ws-budget-mb': out.wsBudgetMb = num(flag, value(), 0.1, 1024, false); break;
      case '--sim-speed': out.simSpeed = num(flag, value(), 0.1, 100_000, false); break;
      case '--sim-symbols': out.simSymbols = num(flag, value(), 1, 2000); break;
      case '--sim-seed': out.simSeed = num(flag, value(), 0, 2 ** 31 - 1); break;
      case '--sim-history-days': out.simHistoryDays = num(flag, value(), 0, 400); break;
      case '--tick-ms': out.tickMs = num(flag, value(), 20, 60_000); break;
      case '--help': case '-h': throw new ArgsError(SERVE_USAGE);
      default: throw new ArgsError(`Unknown flag: ${raw}\n${SERVE_USAGE}`);
    }
  }
  if (!isLoopback(out.host) && !out.allowRemote) {
    throw new ArgsError(`Refusing to bind to non-loopback host ${out.host} without --allow-remote`);
  }
  return out;
}
