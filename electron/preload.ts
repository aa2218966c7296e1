/** Preload (sandboxed): exposes one object, `window.signaldesk`, through contextBridge. */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL, IPC_EVENT, IPC_PICK_FILE, IPC_SUBSCRIBE, type PreloadBridge } from '../engine/api/ipc';

const bridge: PreloadBridge = {
  call: (name, input) => ipcRenderer.invoke(IPC_CALL, name, input),
  onEvent: (handler) => {
    const listener = (_e: IpcRendererEvent, topic: string, payload: unknown): void => handler(topic, payload);
    ipcRenderer.on(IPC_EVENT, listener);
    return () => ipcRenderer.removeListener(IPC_EVENT, listener);
  },
  subscribe: (topics) => ipcRenderer.send(IPC_SUBSCRIBE, topics),
  pickFile: (kind, suggestedName) => ipcRenderer.invoke(IPC_PICK_FILE, kind, suggestedName) as Promise<string | null>,
  platform: process.platform,
};

contextBridge.exposeInMainWorld('signaldesk', bridge);
