/**
 * The Electron transport: one invoke channel for every contract command, one event channel.
 * Handlers answer `{ok: true, value} | {ok: false, error}` so structured errors survive IPC.
 */
import { IPC_CALL, IPC_EVENT, IPC_SUBSCRIBE } from '../engine/api/ipc';
import { isEventTopic, type EventTopic } from '../engine/api/contract';
import { toErrorBody, type Result } from '../engine/api/errors';

/** The subset of Electron's ipcMain this module needs (stubbed in tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { sender: WebContentsLike }, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: { sender: WebContentsLike }, ...args: unknown[]) => void): void;
  removeHandler(channel: string): void;
}
export interface WebContentsLike {
  id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): void;
}
export interface HostLike {
  callRaw(name: string, input: unknown): Promise<unknown>;
  onAny(handler: (topic: EventTopic, payload: unknown) => void): () => void;
}

let wired = false;

export function wireIpc(ipcMain: IpcMainLike, host: HostLike): () => void {
  if (wired) throw new Error('IPC already wired');
  wired = true;
  ipcMain.handle(IPC_CALL, async (_event, name, input): Promise<Result<unknown>> => {
    try {
      return { ok: true, value: await host.callRaw(String(name), input) };
    } catch (err) {
      return { ok: false, error: toErrorBody(err) };
    }
  });
  const subscribers = new Map<number, { wc: WebContentsLike; topics: Set<EventTopic> }>();
  ipcMain.on(IPC_SUBSCRIBE, (event, topics) => {
    const wc = event.sender;
    let entry = subscribers.get(wc.id);
    if (!entry) {
      entry = { wc, topics: new Set() };
      subscribers.set(wc.id, entry);
      wc.once('destroyed', () => subscribers.delete(wc.id));
    }
    if (Array.isArray(topics)) for (const t of topics) if (typeof t === 'string' && isEventTopic(t)) entry.topics.add(t);
  });
  const off = host.onAny((topic, payload) => {
    for (const { wc, topics } of subscribers.values()) {
      if (topics.has(topic) && !wc.isDestroyed()) wc.send(IPC_EVENT, topic, payload);
    }
  });
  return () => {
    off();
    ipcMain.removeHandler(IPC_CALL);
    subscribers.clear();
    wired = false;
  };
}
