/** The order book of a ccxt market source through its gateway link (fetchOrderBook where the exchange has it). */
import type { Runtime } from '../market/source-runtime';
import { CcxtRuntime } from '../market/ccxt-runtime';
import type { OrderBookTop } from './enrich';

export async function ccxtOrderBook(rt: Runtime | undefined, symbol: string): Promise<OrderBookTop | undefined> {
  if (!(rt instanceof CcxtRuntime)) return undefined;
  const book = await rt.client.request(null, async (ex) => (ex.has['fetchOrderBook'] ? ex.fetchOrderBook(symbol, 20) : undefined));
  if (!book) return undefined;
  const levels = (l: unknown[]): Array<[number, number]> => l.map((x) => x as number[]).filter((x) => Number.isFinite(x[0]) && Number.isFinite(x[1])).map((x) => [x[0]!, x[1]!]);
  return { bids: levels(book.bids as unknown[]), asks: levels(book.asks as unknown[]), synthetic: false };
}
