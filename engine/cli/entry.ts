/** Process entry of `npx signaldesk` (out/main/cli.js). */
import { main } from './main';

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`signaldesk: ${(err as Error).message}`);
    process.exitCode = 1;
  },
);
