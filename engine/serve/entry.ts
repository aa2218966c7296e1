/** Process entry of `npm run serve` (out/main/serve.js). */
import { runServe } from './main';

// Nothing a client sends may end the process: an exception that escapes a handler is logged and
// the process goes on (the connection that caused it is closed by its own handler).
process.on('uncaughtException', (err) => console.error('[serve] uncaught exception (kept running):', err));
process.on('unhandledRejection', (err) => console.error('[serve] unhandled rejection:', err));
runServe(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`[serve] failed to start: ${(err as Error).message}`);
  process.exit(1);
});
