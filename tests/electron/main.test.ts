/**
 * The Electron layer with a stubbed `electron` module (the binary cannot run here): the window is
 * locked down, the single-instance lock is taken, a tray exists, and every contract command is
 * wired through IPC to the real host and engine.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { commands, type CommandName } from '../../engine/api';
import { IPC_CALL, IPC_EVENT, IPC_PICK_FILE, IPC_SUBSCRIBE } from '../../engine/api/ipc';
import { tempDir } from '../helpers/serve';
import { EXAMPLES } from '../helpers/examples';

const userData = tempDir('sd-electron-');
const stub = vi.hoisted(() => {
  const handlers = new Map<string, (...a: unknown[]) => unknown>();
  const listeners = new Map<string, (...a: unknown[]) => void>();
  const windows: Array<{ opts: any; loaded: string | null }> = [];
  let readyResolve: () => void = () => {};
  const ready = new Promise<void>((r) => (readyResolve = r));
  return { handlers, listeners, windows, ready, readyResolve: () => readyResolve(), booted: { done: false }, trays: [] as unknown[], popups: [] as any[], lock: { asked: false }, dialogAnswer: { open: null as string | null, save: null as string | null }, dialogs: [] as any[] };
});

vi.mock('electron', () => {
  class BrowserWindow {
    static getAllWindows = () => stub.windows;
    webContents = { setWindowOpenHandler: () => {}, on: () => {}, id: 1 };
    constructor(opts: any) {
      stub.windows.push({ opts, loaded: null });
    }
    once(_e: string, _f: () => void) {}
    on() {}
    maximize() {}
    show() {}
    isDestroyed() { return false; }
    isMaximized() { return false; }
    getNormalBounds() { return { x: 0, y: 0, width: 1400, height: 900 }; }
    loadFile(f: string) { stub.windows[stub.windows.length - 1]!.loaded = f; stub.booted.done = true; stub.readyResolve(); return Promise.resolve(); }
    loadURL(u: string) { return this.loadFile(u); }
  }
  class Tray {
    constructor(_i: unknown) { stub.trays.push(this); }
    setToolTip() {}
    menu: Array<{ label?: string; click?: () => void }> = [];
    setContextMenu(m: Array<{ label?: string; click?: () => void }>) { this.menu = m; }
    on() {}
    destroy() {}
  }
  class Notification {
    static isSupported = () => true;
    constructor(opts: any) { stub.popups.push(opts); }
    on() {}
    show() {}
  }
  const app = {
    requestSingleInstanceLock: () => { stub.lock.asked = true; return true; },
    on: () => app,
    whenReady: () => Promise.resolve(),
    getPath: () => userData,
    getVersion: () => '9.9.9',
    quit: () => {},
    exit: () => {},
  };
  return {
    app,
    Notification,
    BrowserWindow,
    Tray,
    Menu: { buildFromTemplate: (t: unknown) => t },
    nativeImage: { createFromPath: (p: string) => ({ p }) },
    shell: { openExternal: () => Promise.resolve() },
    session: { defaultSession: { webRequest: { onHeadersReceived: () => {} } } },
    dialog: {
      showOpenDialog: (opts: any) => {
        stub.dialogs.push(opts);
        return Promise.resolve(stub.dialogAnswer.open ? { canceled: false, filePaths: [stub.dialogAnswer.open] } : { canceled: true, filePaths: [] });
      },
      showSaveDialog: (opts: any) => {
        stub.dialogs.push(opts);
        return Promise.resolve(stub.dialogAnswer.save ? { canceled: false, filePath: stub.dialogAnswer.save } : { canceled: true });
      },
      showErrorBox: () => {},
    },
    ipcMain: {
      handle: (ch: string, f: (...a: unknown[]) => unknown) => stub.handlers.set(ch, f),
      on: (ch: string, f: (...a: unknown[]) => void) => stub.listeners.set(ch, f),
      removeHandler: (ch: string) => stub.handlers.delete(ch),
    },
  };
});

describe('electron main (stubbed electron)', async () => {
  await import('../../electron/main');
  await stub.ready;
  const sender = { id: 1, send: vi.fn(), isDestroyed: () => false, once: () => {} };
  const invoke = (name: string, input: unknown) => stub.handlers.get(IPC_CALL)!({ sender }, name, input) as Promise<any>;

  afterAll(() => {
    // The stubbed app never quits; the host's worker is unref'd by process exit of the fork.
  });

  it('takes the single-instance lock and creates a tray', () => {
    expect(stub.lock.asked).toBe(true);
    expect(stub.trays).toHaveLength(1);
  });

  it('opens a locked-down window: context isolation, sandbox, no node integration, preload bridge', () => {
    const w = stub.windows[0]!;
    expect(w.opts.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(w.opts.webPreferences.preload).toMatch(/preload[/\\]index\.js$/);
    expect(w.loaded).toMatch(/renderer[/\\]index\.html$/);
  });

  const ALERT_ACTIONS = new Set<string>(['alerts.ack', 'alerts.resolve', 'alerts.snooze', 'alerts.delete']);
  it('wires every contract command through IPC to the engine', async () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual(Object.keys(commands).sort());
    // market.import's example reads <userData>/imports/signaldesk-example.csv.
    fs.mkdirSync(path.join(userData, 'imports'), { recursive: true });
    fs.writeFileSync(path.join(userData, 'imports', 'signaldesk-example.csv'), 'timestamp,open,high,low,close,volume\n1704067200000,1,2,0.5,1.5,10\n');
    for (const name of Object.keys(commands) as CommandName[]) {
      const r = await invoke(name, EXAMPLES[name]);
      // intake.webhook needs the source's secret, which only its creation returns: refused by the engine, so wired.
      if (name === 'intake.webhook') expect(r, name).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      // No alert has fired in this fresh engine: acting on alert #1 is refused as unknown, so wired.
      else if (ALERT_ACTIONS.has(name)) expect(r, name).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      // The restore example names a backup that does not exist: refused, nothing restored.
      else if (name === 'system.restore') expect(r, name).toMatchObject({ ok: false, error: { code: 'UNPROCESSABLE' } });
      else expect(r, name).toMatchObject({ ok: true });
    }
    const info = await invoke('system.info', {});
    expect(info.value).toMatchObject({ mode: 'desktop', dataDir: userData, version: '9.9.9' });
  });

  it('answers structured errors over IPC instead of throwing', async () => {
    expect(await invoke('market.nope', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    expect(await invoke('market.candles', { source: 'sim' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it("the tray's kill switch stops new orders", async () => {
    const tray = stub.trays[0] as { menu: Array<{ label?: string; click?: () => void }> };
    const item = tray.menu.find((m) => m.label?.startsWith('Kill switch'));
    expect(item).toBeDefined();
    item!.click!();
    await vi.waitFor(async () => expect((await invoke('orders.status', {})).value.killSwitch).toMatchObject({ on: true, reason: 'from the tray menu' }), { timeout: 5000 });
    const r = await invoke('orders.place', { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.01' });
    expect(r.value).toMatchObject({ decision: 'SKIPPED', reasonCode: 'KILL_SWITCH' });
    await invoke('system.killSwitch', { on: false });
  });

  it('forwards subscribed events to the window', async () => {
    stub.listeners.get(IPC_SUBSCRIBE)!({ sender }, ['system.clock']);
    await vi.waitFor(() => expect(sender.send).toHaveBeenCalledWith(IPC_EVENT, 'system.clock', expect.objectContaining({ now: expect.any(Number) })), { timeout: 10_000 });
  });

  it("the file dialogs allow the chosen file's folder, so import and export may use it", async () => {
    const pick = (kind: unknown, name?: unknown) => stub.handlers.get(IPC_PICK_FILE)!({ sender }, kind, name) as Promise<string | null>;
    const mine = fs.realpathSync(tempDir('sd-picked-'));
    const csv = path.join(mine, 'btc.csv');
    fs.writeFileSync(csv, 'timestamp,open,high,low,close,volume\n1704067200000,1,2,0.5,1.5,10\n');
    // Before the user picks it, the folder is closed to commands.
    expect(await invoke('market.import', { source: 'sim', symbol: 'PICK/TEST', timeframe: '1h', path: csv })).toMatchObject({ ok: false, error: { code: 'UNPROCESSABLE' } });
    // Cancelled: nothing allowed.
    expect(await pick('open')).toBeNull();
    expect((await invoke('files.folders.list', {})).value.allowed).not.toContain(mine);
    stub.dialogAnswer.open = csv;
    expect(await pick('open')).toBe(csv);
    expect(stub.dialogs.at(-1)).toMatchObject({ properties: ['openFile'] });
    expect((await invoke('files.folders.list', {})).value.allowed).toContain(mine);
    expect(await invoke('market.import', { source: 'sim', symbol: 'PICK/TEST', timeframe: '1h', path: csv })).toMatchObject({ ok: true, value: { imported: 1 } });
    // The save dialog: the suggested name is only a base name, and the export lands where the user chose.
    const other = fs.realpathSync(tempDir('sd-saved-'));
    stub.dialogAnswer.save = path.join(other, 'out.csv');
    expect(await pick('save', '../../etc/evil.csv')).toBe(path.join(other, 'out.csv'));
    expect(stub.dialogs.at(-1)).toMatchObject({ defaultPath: 'evil.csv' });
    expect(await invoke('market.export', { source: 'sim', symbol: 'BTC/USDT', timeframe: '1h', path: path.join(other, 'out.csv') })).toMatchObject({ ok: true });
    expect(fs.readFileSync(path.join(other, 'out.csv'), 'utf8')).toMatch(/^timestamp,open/);
  });
});
