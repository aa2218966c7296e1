/** Process entry of `npx signaldesk` (out/main/cli.js). */
import { main } from './main';
import { tuneV8ForEngine } from '../core/v8-tuning';

tuneV8ForEngine();

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`signaldesk: ${(err as Error).message}`);
    process.exitCode = 1;
  },
);
