/**
 * Runs the fake exchange in its own process for the collector benchmarks, so its own work does
 * not count against the collector's thread. argv[2]: FakeMarketOptions as JSON. Prints the URL.
 */
import { FakeMarketExchange } from '../tests/fakes/fake-exchange-market';

const fx = new FakeMarketExchange(JSON.parse(process.argv[2] ?? '{}'));
void fx.start().then((url) => console.log(`FAKE ${url}`));
process.on('SIGTERM', () => void fx.stop().then(() => process.exit(0)));
