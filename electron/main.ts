/**
 * Electron main: lifecycle, window, tray, and the IPC transport. Thin by design: everything the
 * product does lives in the engine behind the contract.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, session, shell, Tray } from 'electron';
import path from 'node:path';
import { Host } from '../engine/host/host';
import { IntakeListenerControl } from '../engine/intake/listener';
import { wireIpc } from './ipc';
import { wireDialogs } from './dialogs';
import { wireNotifications } from './notifications';
import { loadWindowState, saveWindowState } from './window-state';
import type { AppSettings } from '../engine/api';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

let win: BrowserWindow | null = null;
let tray: Tray | null = null;
let host: Host | null = null;

function createWindow(userData: string, backgroundColor = '#0e1116'): BrowserWindow {
  const state = loadWindowState(userData);
  const w = new BrowserWindow({
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    minWidth: 900,
    minHeight: 600,
    backgroundColor,
    title: 'Signaldesk',
    show: false,
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  if (state.maximized) w.maximize();
  w.once('ready-to-show', () => w.show());
  const persist = (): void => {
    if (w.isDestroyed()) return;
    const b = w.getNormalBounds();
    saveWindowState(userData, { ...b, maximized: w.isMaximized() });
  };
  w.on('resized', persist);
  w.on('moved', persist);
  w.on('close', persist);
  // Links open in the system browser; the window never navigates away from the app.
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:/.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  w.webContents.on('will-navigate', (e) => e.preventDefault());
  if (process.env.ELECTRON_RENDERER_URL) void w.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void w.loadFile(path.join(__dirname, '../renderer/index.html'));
  return w;
}

function createTray(): Tray {
  const icon = nativeImage.createFromPath(path.join(__dirname, '../../resources/tray.png'));
  const t = new Tray(icon);
  t.setToolTip('Signaldesk');
  t.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show Signaldesk', click: () => (win ? win.show() : undefined) },
      { type: 'separator' },
      {
        // The kill switch is one click away even with the window closed; it survives restarts and
        // is turned off again from the app (K, or Orders & Positions).
        label: 'Kill switch: stop all new orders',
        click: () => void host?.callRaw('system.killSwitch', { on: true, reason: 'from the tray menu' }).catch((err: unknown) => console.error('[tray] kill switch failed:', err)),
      },
      { type: 'separator' },
      { label: 'Quit', click: () => app.quit() },
    ]),
  );
  t.on('click', () => win?.show());
  return t;
}

async function boot(): Promise<void> {
  const userData = app.getPath('userData');
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  // `--fresh`: an empty (zero-length) database file is replaced by a new store instead of refused.
  host = new Host({ dataDir: userData, mode: 'desktop', version: app.getVersion(), fresh: process.argv.includes('--fresh') });
  await host.start();
  wireIpc(ipcMain, host);
  wireDialogs(ipcMain, dialog, host);
  // The loopback intake listener (docs/intake.md): off until enabled in the Inbound view.
  const intake = new IntakeListenerControl(host);
  host.onAny((topic, payload) => {
    if (topic === 'intake.listener') void intake.apply(payload as { enabled: boolean; port: number });
  });
  void host.callRaw('intake.listener.get', {}).then((s) => intake.apply(s as { enabled: boolean; port: number }), (err: unknown) => console.error('[intake] listener setting:', err));
  wireNotifications(Notification, host, () => {
    win?.show();
    win?.focus();
  });
  // The window's own background in the saved theme (Settings → Appearance), so nothing flashes dark.
  const theme = await host.callRaw('settings.get', {}).then((x) => (x as AppSettings).appearance.theme, () => 'dark');
  win = createWindow(userData, theme === 'light' ? '#f6f8fa' : '#0e1116');
  tray = createTray();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    }
  });
  app.whenReady().then(boot, (err: unknown) => console.error(err)).catch((err: unknown) => {
    // A damaged or empty store, or a data directory another Signaldesk holds: say so in one line.
    const message = (err as Error).message;
    console.error(`Signaldesk failed to start: ${message}`);
    dialog.showErrorBox('Signaldesk cannot start', message);
    app.exit(1);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && host) win = createWindow(app.getPath('userData'));
  });
  app.on('before-quit', () => {
    tray?.destroy();
    void host?.stop();
  });
}
