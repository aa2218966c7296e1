/** Entry of the engine worker thread: owns the Engine and answers the host's typed messages. */
import { parentPort } from 'node:worker_threads';
import { toErrorBody } from '../api/errors';
import { isCommandName } from '../api/contract';
import { Engine } from '../core/engine';
import type { FromWorker, ToWorker } from './protocol';
import { tuneV8ForEngine } from '../core/v8-tuning';

tuneV8ForEngine();

const port = parentPort;
if (!port) throw new Error('engine-worker must run in a worker thread');
const send = (m: FromWorker): void => port.postMessage(m);

let engine: Engine | null = null;
let heartbeat: NodeJS.Timeout | null = null;

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'init': {
      const t0 = performance.now();
      try {
        engine = new Engine(msg.options, (topic, payload) => send({ type: 'event', topic, payload }));
        const { backfilled } = engine.start();
        heartbeat = setInterval(() => send({ type: 'heartbeat', at: Date.now() }), 1000);
        send({ type: 'ready', backfilled, startupMs: Math.round(performance.now() - t0) });
      } catch (err) {
        send({ type: 'fatal', error: toErrorBody(err) });
      }
      return;
    }
    case 'call': {
      const { seq, name, input } = msg;
      if (!engine || !isCommandName(name)) {
        send({ type: 'result', seq, ok: false, error: { code: 'UNAVAILABLE', message: engine ? `Unknown command ${name}` : 'Engine not started' } });
        return;
      }
      Promise.resolve()
        .then(() => engine!.handle(name, input as never))
        .then(
          (value) => send({ type: 'result', seq, ok: true, value }),
          (err: unknown) => send({ type: 'result', seq, ok: false, error: toErrorBody(err) }),
        );
      return;
    }
    case 'stop': {
      if (heartbeat) clearInterval(heartbeat);
      try {
        engine?.stop();
      } finally {
        engine = null;
        send({ type: 'stopped' });
      }
      return;
    }
  }
});
