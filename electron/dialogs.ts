/**
 * The desktop's file dialogs: the renderer asks (IPC_PICK_FILE), the main process shows the
 * system dialog, and the folder of the file the user chose is added to the allowed folders
 * (files.folders.add), so import / export / replay may use it. The renderer never names a folder
 * itself: only what the user picked in a dialog is allowed.
 */
import path from 'node:path';
import { IPC_PICK_FILE, type PickFileKind } from '../engine/api/ipc';
import type { IpcMainLike } from './ipc';

/** The subset of Electron's dialog module used here (stubbed in tests). */
export interface DialogLike {
  showOpenDialog(opts: { title?: string; properties: Array<'openFile'>; filters?: Array<{ name: string; extensions: string[] }> }): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(opts: { title?: string; defaultPath?: string; filters?: Array<{ name: string; extensions: string[] }> }): Promise<{ canceled: boolean; filePath?: string }>;
}
export interface DialogHost {
  callRaw(name: string, input: unknown): Promise<unknown>;
}

const CSV = [{ name: 'CSV candles', extensions: ['csv'] }, { name: 'All files', extensions: ['*'] }];

export function wireDialogs(ipcMain: IpcMainLike, dialog: DialogLike, host: DialogHost): () => void {
  ipcMain.handle(IPC_PICK_FILE, async (_event, kind, suggested): Promise<string | null> => {
    const k: PickFileKind = kind === 'save' ? 'save' : 'open';
    let file: string | null = null;
    if (k === 'open') {
      const r = await dialog.showOpenDialog({ title: 'Choose a CSV file', properties: ['openFile'], filters: CSV });
      file = r.canceled ? null : (r.filePaths[0] ?? null);
    } else {
      const name = typeof suggested === 'string' ? path.basename(suggested).slice(0, 200) : 'candles.csv';
      const r = await dialog.showSaveDialog({ title: 'Export candles to', defaultPath: name, filters: CSV });
      file = r.canceled ? null : (r.filePath ?? null);
    }
    if (!file) return null;
    await host.callRaw('files.folders.add', { path: path.dirname(file) });
    return file;
  });
  return () => ipcMain.removeHandler(IPC_PICK_FILE);
}
