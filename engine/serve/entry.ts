/** Process entry of `npm run serve` (out/main/serve.js). */
import { runServe } from './main';

process.on('unhandledRejection', (err) => console.error('[serve] unhandled rejection:', err));
runServe(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`[serve] failed to start: ${(err as Error).message}`);
  process.exit(1);
});
