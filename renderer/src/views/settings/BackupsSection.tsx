/**
 * Settings → Backups: the backups in <data dir>/backups, "Back up now", restore (with a
 * confirmation that says what will happen), how many daily backups are kept, and settings
 * export / import as JSON (secrets are never part of it).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BackupInfo, BackupsConfig } from '../../../../engine/api';
import { api } from '../../api/client';
import { fmtBytes, fmtTime } from '../health/format';
import { Modal } from '../../components/Modal';

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function RestoreConfirm({ target, onCancel, onConfirm, busy }: { target: string; onCancel(): void; onConfirm(): void; busy: boolean }) {
  return (
    <Modal label="Confirm restore" role="alertdialog" className="ticket bk-dialog" backdropClassName="ticket-backdrop" testid="backup-restore-confirm" onClose={() => (busy ? undefined : onCancel())} initialFocus="[data-testid=backup-restore-no]" backdropCloses={!busy}>
      <h3>Restore a backup</h3>
      <p>
        Restore <strong>{target}</strong>? The engine stops, restarts on this backup and runs on from it. The current database is kept aside as <code>signaldesk.db.replaced-&lt;time&gt;</code> in the data directory.
      </p>
      <div className="settings-actions">
        <button className="btn danger" onClick={onConfirm} disabled={busy} data-testid="backup-restore-yes">
          {busy ? 'Restoring…' : 'Restore and restart'}
        </button>
        <button className="btn" onClick={onCancel} disabled={busy} data-testid="backup-restore-no">
          Cancel (Esc)
        </button>
      </div>
    </Modal>
  );
}

export function BackupsSection({ report }: { report(message: string): void }) {
  const [list, setList] = useState<BackupInfo[]>([]);
  const [cfg, setCfg] = useState<BackupsConfig | null>(null);
  const [keep, setKeep] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState<string | null>(null);
  const [fromPath, setFromPath] = useState('');
  const [restored, setRestored] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    const [l, c] = await Promise.all([api.call('system.backups.list', {}), api.call('system.backups.config', {})]);
    setList(l);
    setCfg(c);
    setKeep((k) => (k === '' ? String(c.keep) : k));
  }, []);
  useEffect(() => {
    void load().catch((e: Error) => report(`Backups could not be listed: ${e.message}`));
  }, [load, report]);

  const act = async (f: () => Promise<string>, fail: string) => {
    setBusy(true);
    try {
      report(await f());
    } catch (e) {
      report(`${fail}: ${(e as Error).message}`);
    } finally {
      setBusy(false);
      void load().catch(() => undefined);
    }
  };

  const backupNow = () =>
    act(async () => {
      const r = await api.call('system.backup', {});
      return `Backup written: ${r.path} (${fmtBytes(r.bytes)})`;
    }, 'Backup failed');

  const saveKeep = () =>
    act(async () => {
      const n = Number(keep);
      const c = await api.call('system.backups.config', { keep: n });
      return `Daily backups: the last ${c.keep} are kept`;
    }, 'Not saved');

  const restore = (target: string) =>
    act(async () => {
      const r = await api.call('system.restore', { path: target });
      setConfirm(null);
      setRestored(true);
      return `Restored ${r.path}: the engine restarted on it (schema ${r.schemaVersion}); the replaced database is kept at ${r.replacedPath}`;
    }, 'Restore refused').finally(() => setConfirm(null));

  const exportSettings = () =>
    act(async () => {
      const doc = await api.call('settings.export', {});
      const name = `signaldesk-settings-${new Date(doc.exportedAt ?? Date.now()).toISOString().slice(0, 10)}.json`;
      download(name, JSON.stringify(doc, null, 2));
      return `Settings exported as ${name}: ${Object.keys(doc.settings).length} settings, no secrets`;
    }, 'Export failed');

  const importFile = (file: File) =>
    act(async () => {
      let doc: unknown;
      try {
        doc = JSON.parse(await file.text());
      } catch {
        throw new Error(`${file.name} is not JSON`);
      }
      const r = await api.call('settings.import', { settings: doc as never });
      if (!r.applied.length) return `Settings import: nothing to change (${r.unchanged.length} already as in ${file.name})`;
      return `Settings imported from ${file.name}: ${r.applied.length} changed (${r.applied.join(', ')})${r.restarted ? '; the engine restarted to apply them' : ''}`;
    }, 'Settings import refused');

  return (
    <section className="settings-card bk-section" id="settings-backups" aria-label="Backups" data-testid="settings-backups">
      <h3>Backups</h3>
      <p className="muted">
        Consistent copies of the database taken while Signaldesk runs, in {cfg?.dir ?? 'the data directory’s backups/ folder'}. A daily backup is taken automatically
        {cfg ? `; last ${cfg.lastAutoAt ? fmtTime(cfg.lastAutoAt) : 'never'}, next ${fmtTime(cfg.nextAutoAt)}` : ''}.
      </p>
      <div className="settings-actions">
        <button className="btn primary" onClick={() => void backupNow()} disabled={busy} data-testid="backup-now">
          Back up now
        </button>
        <label>
          Keep the last{' '}
          <input type="number" min={1} max={365} value={keep} onChange={(e) => setKeep(e.target.value)} style={{ width: 60 }} aria-label="Daily backups kept" data-testid="backup-keep" /> daily backups
        </label>
        <button className="btn" onClick={() => void saveKeep()} disabled={busy || keep === String(cfg?.keep ?? '')}>
          Save
        </button>
      </div>
      <div className="dl-scroll">
        <table aria-label="Backups list" data-testid="backups-table">
          <thead>
            <tr>
              <th>Backup</th>
              <th>Taken</th>
              <th className="num">Size</th>
              <th>Kind</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  No backups yet.
                </td>
              </tr>
            )}
            {list.map((b) => (
              <tr key={b.path} data-testid="backup-row">
                <td className="wh-url" title={b.path}>
                  {b.name}
                </td>
                <td className="nowrap">{fmtTime(b.createdAt)}</td>
                <td className="num nowrap">{fmtBytes(b.bytes)}</td>
                <td>{b.auto ? 'daily' : 'on request'}</td>
                <td>
                  <button className="btn" onClick={() => setConfirm(b.name)} disabled={busy} aria-label={`Restore ${b.name}`}>
                    Restore…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="settings-actions">
        <label>
          Restore from a file{' '}
          <input value={fromPath} onChange={(e) => setFromPath(e.target.value)} placeholder="path in imports/ or an allowed folder" style={{ width: 260 }} aria-label="Backup file to restore" />
        </label>
        <button className="btn" onClick={() => setConfirm(fromPath.trim())} disabled={busy || !fromPath.trim()}>
          Restore…
        </button>
      </div>
      {confirm && <RestoreConfirm target={confirm} busy={busy} onCancel={() => setConfirm(null)} onConfirm={() => void restore(confirm)} />}
      {restored && (
        <div className="settings-actions">
          <span>The open views still show the data from before the restore.</span>
          <button className="btn" onClick={() => window.location.reload()}>Reload the window</button>
        </div>
      )}
      <h3>Settings file</h3>
      <p className="muted">Export the settings as JSON, or import a file exported before. Tokens, keys and other secrets are never included; set them again where they are used.</p>
      <div className="settings-actions">
        <button className="btn" onClick={() => void exportSettings()} disabled={busy} data-testid="settings-export">
          Export settings…
        </button>
        <button className="btn" onClick={() => fileRef.current?.click()} disabled={busy} data-testid="settings-import">
          Import settings…
        </button>
        <input
          ref={fileRef}
          type="file"
          accept="application/json,.json"
          hidden
          data-testid="settings-import-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void importFile(f);
          }}
        />
      </div>
    </section>
  );
}
