/** The piscina worker of the indicator pool (built as out/main/indicators-pool.js). */
import { runWarmUpTask, type WarmUpTask, type WarmUpTaskResult } from './pool-task';

export default function warmUpTask(task: WarmUpTask): WarmUpTaskResult {
  return runWarmUpTask(task);
}
