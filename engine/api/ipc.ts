/** IPC channel names, declared once for the main process and the preload bridge. */
export const IPC_CALL = 'signaldesk:call';
export const IPC_EVENT = 'signaldesk:event';
export const IPC_SUBSCRIBE = 'signaldesk:subscribe';
export const IPC_PICK_FILE = 'signaldesk:pick-file';

/** What a file dialog is for: a CSV to read (import, replay) or a file to write (export). */
export type PickFileKind = 'open' | 'save';

/** What the preload exposes on `window.signaldesk`. */
export interface PreloadBridge {
  call(name: string, input: unknown): Promise<unknown>;
  onEvent(handler: (topic: string, payload: unknown) => void): () => void;
  subscribe(topics: string[]): void;
  /**
   * Desktop only: shows the system file dialog; the folder of the chosen file is added to the
   * allowed folders (files.folders.add). Resolves with the absolute path, or null if cancelled.
   */
  pickFile?(kind: PickFileKind, suggestedName?: string): Promise<string | null>;
  platform: string;
}
