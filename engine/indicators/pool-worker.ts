/** The piscina worker of the indicator pool (built as out/main/indicators-pool.js); it also runs backtests. */
import { runWarmUpTask, type WarmUpTask, type WarmUpTaskResult } from './pool-task';
import { isBacktestTask, runBacktestTask, type BacktestTask, type BacktestTaskResult } from '../backtest/pool-task';

export default function warmUpTask(task: WarmUpTask | BacktestTask): WarmUpTaskResult | BacktestTaskResult {
  return isBacktestTask(task) ? runBacktestTask(task) : runWarmUpTask(task);
}
