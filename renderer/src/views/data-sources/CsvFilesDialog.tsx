/**
 * CSV import and export in the Data sources view. Files live in the data directory's imports/
 * (read) and exports/ (written) folders, named relative to them, or in folders the user allowed:
 * on the desktop, choosing a file in the system dialog allows its folder; in the browser, a
 * folder can be allowed here by its absolute path. Every outcome is said as it happened
 * ("imported 48 candles", "refused: …").
 */
import { useEffect, useState } from 'react';
import { TIMEFRAMES, type FileEntry, type FolderList, type Timeframe } from '../../../../engine/api';
import { api } from '../../api/client';
import { Modal } from '../../components/Modal';
import { DialogHead } from './SourceDialog';

type Mode = 'import' | 'export';

export function refusal(e: unknown): string {
  const x = e as Error & { code?: string; details?: { issues?: Array<{ path: string; message: string }>; errors?: Array<{ line: number; reason: string }> } };
  if (x.details?.issues?.length) return `refused: ${x.details.issues.map((i) => `${i.path || 'input'}: ${i.message}`).join('; ')}`;
  if (x.details?.errors?.length) {
    const lines = x.details.errors.slice(0, 5).map((p) => `line ${p.line}: ${p.reason}`);
    return `refused: nothing imported. ${lines.join('; ')}${x.details.errors.length > 5 ? ` (and ${x.details.errors.length - 5} more)` : ''}`;
  }
  if (x.code === 'CONFLICT') return `refused: ${x.message.replace('; pass overwrite: true to replace it', '')}; tick "Replace an existing file" to replace it`;
  return `refused: ${x.message}`;
}

const size = (n: number): string => (n >= 1e9 ? `${+(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${+(n / 1e6).toFixed(1)} MB` : `${Math.round(n / 1e3)} KB`);
const day = (ts: number | null): string => (ts === null ? '—' : new Date(ts).toISOString().replace('T', ' ').slice(0, 16));

export function CsvFilesDialog({ source, symbol, timeframe, onClose, onDone }: { source: string; symbol: string; timeframe: Timeframe; onClose: () => void; onDone: (m: string) => void }) {
  const [mode, setMode] = useState<Mode>('import');
  const [folders, setFolders] = useState<FolderList | null>(null);
  const [files, setFiles] = useState<FileEntry[]>([]);
  const [src, setSrc] = useState(source);
  const [sym, setSym] = useState(symbol);
  const [tf, setTf] = useState<Timeframe>(timeframe);
  const [file, setFile] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [allow, setAllow] = useState('');
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const picker = window.signaldesk?.pickFile;

  const load = async (): Promise<void> => {
    try {
      setFolders(await api.call('files.folders.list', {}));
      setFiles(await api.call('files.list', { folder: mode === 'import' ? 'imports' : 'exports' }));
    } catch (e) {
      setMsg({ ok: false, text: refusal(e) });
    }
  };
  useEffect(() => {
    void load();
  }, [mode]);

  const choose = async (): Promise<void> => {
    if (!picker) return;
    const p = await picker(mode === 'import' ? 'open' : 'save', mode === 'export' ? `${sym.replace('/', '-')}-${tf}.csv` : undefined);
    if (p) {
      setFile(p);
      void load();
    }
  };

  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setMsg(null);
    try {
      const key = { source: src.trim(), symbol: sym.trim().toUpperCase(), timeframe: tf, path: file.trim() };
      if (mode === 'import') {
        const r = await api.call('market.import', key);
        const text = `imported ${r.imported.toLocaleString()} candles into ${key.source} ${key.symbol} ${tf} (${day(r.first)} → ${day(r.last)})`;
        setMsg({ ok: true, text });
        onDone(text);
      } else {
        const r = await api.call('market.export', { ...key, ...(overwrite ? { overwrite } : {}) });
        const text = `exported ${r.exported.toLocaleString()} candles to ${r.path}`;
        setMsg({ ok: true, text });
        onDone(text);
      }
      void load();
    } catch (e2) {
      setMsg({ ok: false, text: refusal(e2) });
    } finally {
      setBusy(false);
    }
  };

  const allowFolder = async (p: string, on: boolean): Promise<void> => {
    try {
      setFolders(await api.call(on ? 'files.folders.add' : 'files.folders.remove', { path: p }));
      setMsg({ ok: true, text: on ? `allowed ${p}` : `no longer allowed: ${p}` });
      if (on) setAllow('');
    } catch (e) {
      setMsg({ ok: false, text: refusal(e) });
    }
  };

  const base = mode === 'import' ? folders?.imports : folders?.exports;
  return (
    <Modal label="Import / export CSV candles" onClose={onClose} testid="csv-dialog" className="ds-dialog" backdropClassName="ds-backdrop">
      <DialogHead title="Import / export CSV candles" onClose={onClose} />
      <form className="ds-form" onSubmit={(e) => void submit(e)}>
        <fieldset className="ds-span">
          <legend>Direction</legend>
          <label className="ds-radio"><input type="radio" name="csv-mode" checked={mode === 'import'} onChange={() => setMode('import')} data-testid="csv-mode-import" /> Import a file</label>
          <label className="ds-radio"><input type="radio" name="csv-mode" checked={mode === 'export'} onChange={() => setMode('export')} data-testid="csv-mode-export" /> Export to a file</label>
        </fieldset>
        <label>Source<input value={src} onChange={(e) => setSrc(e.target.value)} required data-testid="csv-source" /></label>
        <label>Symbol<input value={sym} onChange={(e) => setSym(e.target.value)} placeholder="BTC/USDT" required data-testid="csv-symbol" /></label>
        <label>Timeframe<select value={tf} onChange={(e) => setTf(e.target.value as Timeframe)} data-testid="csv-timeframe">{TIMEFRAMES.map((t) => <option key={t}>{t}</option>)}</select></label>
        <label>
          File <span className="muted">(a name in {mode === 'import' ? 'imports/' : 'exports/'}, or an absolute path in an allowed folder)</span>
          <span className="csv-file-row">
            <input value={file} onChange={(e) => setFile(e.target.value)} list="csv-files" placeholder={mode === 'import' ? 'btc-1h.csv' : `${sym.replace('/', '-') || 'candles'}-${tf}.csv`} required data-testid="csv-file" />
            {picker && <button type="button" className="btn" onClick={() => void choose()} data-testid="csv-choose">Choose…</button>}
          </span>
        </label>
        <datalist id="csv-files">{files.map((f) => <option key={f.name} value={f.name} />)}</datalist>
        {mode === 'export' && (
          <label className="ds-radio ds-span"><input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} data-testid="csv-overwrite" /> Replace an existing file</label>
        )}
        {msg && <div className={`ds-span ${msg.ok ? 'up' : 'error'}`} data-testid="csv-msg">{msg.text}</div>}
        <div className="ds-span ds-buttons">
          <button type="button" className="btn" onClick={onClose}>Close (Esc)</button>
          <button type="submit" className="btn primary" disabled={busy} data-testid="csv-submit">{mode === 'import' ? 'Import' : 'Export'} (Enter)</button>
        </div>
      </form>
      <div className="csv-folders" data-testid="csv-folders">
        <h4>Folders</h4>
        <p className="muted">
          Relative names are {mode === 'import' ? 'read from' : 'written to'} <code data-testid="csv-base">{base ?? '…'}</code>. Imports read at most {folders ? size(folders.maxImportBytes) : '…'}; an existing file is replaced only when you tick it.
        </p>
        <ul>
          {(folders?.allowed ?? []).map((f) => (
            <li key={f} data-testid="csv-allowed">
              <code>{f}</code> <button type="button" className="btn ds-small" onClick={() => void allowFolder(f, false)}>Remove</button>
            </li>
          ))}
          {folders && folders.allowed.length === 0 && <li className="muted">No other folders allowed{picker ? ': choosing a file with Choose… allows its folder.' : '.'}</li>}
        </ul>
        <div className="csv-file-row">
          <input value={allow} onChange={(e) => setAllow(e.target.value)} placeholder="/home/me/candles (absolute path of a folder)" aria-label="Folder to allow" data-testid="csv-allow-input" onKeyDown={(e) => {
            if (e.key === 'Enter' && allow.trim()) {
              e.preventDefault();
              void allowFolder(allow.trim(), true);
            }
          }} />
          <button type="button" className="btn" disabled={!allow.trim()} onClick={() => void allowFolder(allow.trim(), true)} data-testid="csv-allow">Allow folder</button>
        </div>
        {files.length > 0 && (
          <p className="muted">In {mode === 'import' ? 'imports/' : 'exports/'}: {files.slice(0, 8).map((f) => f.name).join(', ')}{files.length > 8 ? ` and ${files.length - 8} more` : ''}</p>
        )}
      </div>
    </Modal>
  );
}
