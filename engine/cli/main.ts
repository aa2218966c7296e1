/** `npx signaldesk <command>`: command-line tools over the engine's code. */
import { runServe } from '../serve/main';
import { runIndicators } from './indicators';
import { runBacktestCli } from './backtest';

const USAGE = `Usage: signaldesk <command> [options]

Commands:
  serve        start the engine headless with the UI on loopback (see --help)
  indicators   compute indicators over a candle CSV (see indicators --help)
  backtest     backtest a strategy over a candle CSV (see backtest --help)`;

export async function main(argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'serve':
      await runServe(rest);
      return -1; // keeps running
    case 'indicators':
      return runIndicators(rest);
    case 'backtest':
      return runBacktestCli(rest);
    case undefined:
    case '--help':
    case '-h':
      console.log(USAGE);
      return cmd === undefined ? 2 : 0;
    default:
      console.error(`signaldesk: unknown command "${cmd}"\n${USAGE}`);
      return 2;
  }
}

