/** IPC channel names, declared once for the main process and the preload bridge. */
export const IPC_CALL = 'signaldesk:call';
export const IPC_EVENT = 'signaldesk:event';
export const IPC_SUBSCRIBE = 'signaldesk:subscribe';

/** What the preload exposes on `window.signaldesk`. */
export interface PreloadBridge {
  call(name: string, input: unknown): Promise<unknown>;
  onEvent(handler: (topic: string, payload: unknown) => void): () => void;
  subscribe(topics: string[]): void;
  platform: string;
}
