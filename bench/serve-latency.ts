import WebSocket from 'ws';
import { report, summarize } from './lib';
import { startBenchServe } from './serve-proc';

/** Call round-trip over the serve transport (HTTP and WebSocket) while the sim runs 200 symbols. */
export async function serveLatencyBench(root: string): Promise<void> {
  const symbols = 200;
  const { url, token, stop } = await startBenchServe(root, ['--sim-symbols', String(symbols), '--sim-speed', '60', '--sim-history-days', '1', '--tick-ms', '250']);
  const httpCall = async (name: string, input: unknown) => {
    const r = await fetch(`${url}/api/call/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    await r.json();
  };
  // Let the market run a few ticks first, with events flowing to a subscribed client.
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws?token=${token}`);
  await new Promise((r) => ws.once('open', r));
  let events = 0;
  const pending = new Map<number, (v: unknown) => void>();
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as { type: string; id?: number };
    if (m.type === 'event') events++;
    else if (typeof m.id === 'number') pending.get(m.id)?.(m);
  });
  ws.send(JSON.stringify({ type: 'subscribe', topics: ['candle.updated', 'candle.closed', 'system.clock'] }));
  await new Promise((r) => setTimeout(r, 2000));
  const n = 400;
  const input = { source: 'sim', symbol: 'BTC/USDT', timeframe: '1m', limit: 100 };
  const httpSamples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await httpCall('market.candles', input);
    httpSamples.push(performance.now() - t);
  }
  const wsSamples: number[] = [];
  let id = 0;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await new Promise((resolve) => {
      const myId = ++id;
      pending.set(myId, resolve);
      ws.send(JSON.stringify({ type: 'call', id: myId, name: 'system.info', input: {} }));
    });
    wsSamples.push(performance.now() - t);
  }
  const eventsStart = events;
  await new Promise((r) => setTimeout(r, 2000));
  const eventRate = (events - eventsStart) / 2;
  report({ bench: 'serve_call_http_ms', symbols, sim_speed: 60, command: 'market.candles limit 100', ...summarize(httpSamples) });
  report({ bench: 'serve_call_ws_ms', symbols, sim_speed: 60, command: 'system.info', ...summarize(wsSamples), events_per_s_while_measuring: Math.round(eventRate) });
  ws.close();
  await stop();
}
