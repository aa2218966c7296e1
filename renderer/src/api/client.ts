/**
 * The renderer's API client: the same interface over Electron IPC (window.signaldesk) and over
 * the serve WebSocket. Views and stores only ever see `ApiClient`.
 */
import {
  ApiError,
  type ApiClient,
  type ApiErrorBody,
  type CommandInput,
  type CommandName,
  type CommandResult,
  type ConnectionState,
  type EventTopic,
  type Events,
} from '../../../engine/api';
import type { PreloadBridge } from '../../../engine/api/ipc';
import type { Result } from '../../../engine/api/errors';

type Handler = (payload: unknown) => void;

abstract class BaseClient implements ApiClient {
  protected readonly handlers = new Map<EventTopic, Set<Handler>>();
  protected readonly connHandlers = new Set<(s: ConnectionState) => void>();
  protected state: ConnectionState = 'connecting';

  abstract call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandResult<N>>;
  protected abstract sendSubscribe(topics: EventTopic[]): void;

  subscribe<T extends EventTopic>(topic: T, handler: (payload: Events[T]) => void): () => void {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
      this.sendSubscribe([topic]);
    }
    set.add(handler as Handler);
    return () => set.delete(handler as Handler);
  }

  onConnection(handler: (s: ConnectionState) => void): () => void {
    this.connHandlers.add(handler);
    handler(this.state);
    return () => this.connHandlers.delete(handler);
  }

  protected setState(s: ConnectionState): void {
    this.state = s;
    for (const h of this.connHandlers) h(s);
  }

  protected dispatch(topic: string, payload: unknown): void {
    const set = this.handlers.get(topic as EventTopic);
    if (set) for (const h of set) h(payload);
  }
}

export class IpcClient extends BaseClient {
  constructor(private readonly bridge: PreloadBridge) {
    super();
    bridge.onEvent((topic, payload) => this.dispatch(topic, payload));
    this.setState('open');
  }
  async call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandResult<N>> {
    const r = (await this.bridge.call(name, input)) as Result<CommandResult<N>>;
    if (r.ok) return r.value;
    throw ApiError.from(r.error);
  }
  protected sendSubscribe(topics: EventTopic[]): void {
    this.bridge.subscribe(topics);
  }
}

export class WsClient extends BaseClient {
  private ws: WebSocket | null = null;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private readonly queue: string[] = [];
  private retryMs = 500;

  constructor(private readonly url: string) {
    super();
    this.connect();
  }

  private connect(): void {
    this.setState('connecting');
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 500;
      this.setState('open');
      const topics = [...this.handlers.keys()];
      if (topics.length) ws.send(JSON.stringify({ type: 'subscribe', topics }));
      for (const m of this.queue.splice(0)) ws.send(m);
    };
    ws.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as {
        type: string;
        id?: number;
        result?: unknown;
        error?: ApiErrorBody;
        topic?: string;
        payload?: unknown;
      };
      if (msg.type === 'event' && msg.topic) this.dispatch(msg.topic, msg.payload);
      else if ((msg.type === 'result' || msg.type === 'error') && typeof msg.id === 'number') {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.type === 'result') p.resolve(msg.result);
        else p.reject(ApiError.from(msg.error ?? { code: 'INTERNAL', message: 'Unknown error' }));
      }
    };
    ws.onclose = () => {
      this.ws = null;
      this.setState('closed');
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(new ApiError('UNAVAILABLE', 'Connection lost'));
      }
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    };
  }

  private send(m: unknown): void {
    const text = JSON.stringify(m);
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
    else this.queue.push(text);
  }

  call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandResult<N>> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.send({ type: 'call', id, name, input });
    });
  }

  protected sendSubscribe(topics: EventTopic[]): void {
    this.send({ type: 'subscribe', topics });
  }
}

declare global {
  interface Window {
    signaldesk?: PreloadBridge;
  }
}

/** The token for serve mode comes from the URL printed at start-up (?token=…), then the session. */
function serveToken(): string | null {
  const params = new URLSearchParams(window.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem('signaldesk.token', fromUrl);
    params.delete('token');
    const rest = params.toString();
    window.history.replaceState(null, '', window.location.pathname + (rest ? `?${rest}` : '') + window.location.hash);
    return fromUrl;
  }
  return sessionStorage.getItem('signaldesk.token');
}

export function createClient(): ApiClient {
  if (window.signaldesk) return new IpcClient(window.signaldesk);
  const token = serveToken() ?? '';
  const proto = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return new WsClient(`${proto}://${window.location.host}/ws?token=${encodeURIComponent(token)}`);
}

export const api: ApiClient = createClient();
