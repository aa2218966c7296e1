/**
 * Paths given to market.export / market.import / replay sources stay inside
 * the data directory's exports/ and imports/ folders or folders the user allowed; export never
 * replaces the database, the token or an existing file (unless overwrite); import never blocks on
 * a FIFO, never reads past its cap, and never echoes a cell. Through the real serve process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { call, startServe, tempDir, type Served } from '../helpers/serve';

let s: Served;
let imports: string;
let exports: string;
beforeAll(async () => {
  s = await startServe();
  imports = path.join(s.dataDir, 'imports');
  exports = path.join(s.dataDir, 'exports');
});
afterAll(async () => {
  expect(await s.stop()).toBe(0);
});

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const csv = (n: number): string => 'timestamp,open,high,low,close,volume\n' + Array.from({ length: n }, (_, i) => `${T0 + i * H},100,102,99,101,10`).join('\n') + '\n';
const exp = (p: string, extra: Record<string, unknown> = {}) => call(s, 'market.export', { source: 'sim', symbol: 'BTC/USDT', timeframe: '1h', path: p, ...extra });
const imp = (p: string) => call(s, 'market.import', { source: 'sim', symbol: 'FILE/TEST', timeframe: '1h', path: p });

async function healthy(): Promise<void> {
  expect((await call(s, 'system.health', {})).body.result.status).toBe('ok');
}

describe('market.export', () => {
  it('never replaces the database, the token or a key file, even by absolute path', async () => {
    const db = path.join(s.dataDir, 'signaldesk.db');
    const before = fs.statSync(db).size;
    const token = fs.readFileSync(path.join(s.dataDir, 'token'), 'utf8');
    for (const p of [db, path.join(s.dataDir, 'token'), path.join(s.dataDir, 'orders.key'), path.join(s.dataDir, 'signaldesk.db-wal'), path.join(exports, '..', 'token')]) {
      const r = await exp(p, { overwrite: true });
      expect(r.status, p).toBe(422);
      expect(r.body.error.message, p).toMatch(/outside the folders/);
    }
    expect(fs.statSync(db).size).toBe(before);
    expect(fs.readFileSync(path.join(s.dataDir, 'token'), 'utf8')).toBe(token);
    expect(fs.statSync(path.join(s.dataDir, 'token')).mode & 0o777).toBe(0o600);
    await healthy();
  });

  it('writes only inside exports/ or an allowed folder, and creates no folders on the way', async () => {
    const elsewhere = tempDir('sd-elsewhere-');
    const r = await exp(path.join(elsewhere, 'a', 'b', 'out.csv'));
    expect(r.status).toBe(422);
    expect(fs.existsSync(path.join(elsewhere, 'a'))).toBe(false);
    expect((await exp(path.join(elsewhere, 'out.csv'))).status).toBe(422);
    expect((await exp('nested/out.csv')).status).toBe(422);
    expect(fs.existsSync(path.join(exports, 'nested'))).toBe(false);
    // Allowing the folder (what the desktop's save dialog does) opens it.
    expect((await call(s, 'files.folders.add', { path: elsewhere })).body.result.allowed).toContain(fs.realpathSync(elsewhere));
    const ok = await exp(path.join(elsewhere, 'out.csv'));
    expect(ok.status).toBe(200);
    expect(fs.readFileSync(path.join(elsewhere, 'out.csv'), 'utf8')).toMatch(/^timestamp,open,high,low,close,volume\n/);
    await call(s, 'files.folders.remove', { path: elsewhere });
    expect((await exp(path.join(elsewhere, 'out2.csv'))).status).toBe(422);
  });

  it('refuses to replace an existing file unless overwrite: true, and leaves no temporary files', async () => {
    expect((await exp('btc.csv')).status).toBe(200);
    fs.writeFileSync(path.join(exports, 'mine.csv'), 'keep me');
    const again = await exp('mine.csv');
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', details: { field: 'overwrite' } });
    expect(fs.readFileSync(path.join(exports, 'mine.csv'), 'utf8')).toBe('keep me');
    expect((await exp('mine.csv', { overwrite: true })).status).toBe(200);
    expect(fs.readFileSync(path.join(exports, 'mine.csv'), 'utf8')).toMatch(/^timestamp/);
    // A symlink in exports/ is never written through.
    fs.symlinkSync(path.join(s.dataDir, 'token'), path.join(exports, 'link.csv'));
    expect((await exp('link.csv', { overwrite: true })).status).toBe(422);
    expect(fs.readdirSync(exports).filter((f) => /tmp/.test(f))).toEqual([]);
    expect(fs.readdirSync(s.dataDir).filter((f) => /tmp/.test(f))).toEqual([]);
  });
});

describe('market.import and replay sources', () => {
  it('refuses a FIFO and a device at once (never blocks the engine), and paths outside the folders', async () => {
    execFileSync('mkfifo', [path.join(imports, 'pipe.csv')]);
    const fifo = await imp('pipe.csv');
    expect(fifo.status).toBe(422);
    expect(fifo.body.error.message).toMatch(/not a regular file/);
    for (const p of ['/dev/zero', '/etc/passwd', path.join(s.dataDir, 'token'), '../token', path.join(s.dataDir, 'signaldesk.db')]) {
      const r = await imp(p);
      expect(r.status, p).toBe(422);
      expect(r.body.error.message, p).toMatch(/outside the folders|not a regular file/);
    }
    const replay = await call(s, 'market.sources.add', { id: 'rp', kind: 'replay', path: 'pipe.csv', symbol: 'REP/USDT', timeframe: '1h' });
    expect(replay.status).toBe(422);
    await healthy();
  });

  it('follows symlinks before deciding: a link in imports/ to a file outside is refused', async () => {
    fs.symlinkSync('/etc/hostname', path.join(imports, 'host.csv'));
    fs.symlinkSync(path.join(s.dataDir, 'token'), path.join(imports, 'token.csv'));
    for (const p of ['host.csv', 'token.csv']) {
      const r = await imp(p);
      expect(r.status, p).toBe(422);
      expect(r.body.error.message, p).toMatch(/outside the folders/);
    }
  });

  it('names line numbers and the problem, never the content of a cell', async () => {
    const secrets = ['API_KEY=sk_live_51Habcdef', 'SECRET,hunter2-very-secret,x,y,z,w', 'password: correct horse battery staple'];
    fs.writeFileSync(path.join(imports, 'secrets.csv'), secrets.join('\n'));
    const r = await imp('secrets.csv');
    expect(r.status).toBe(422);
    const text = JSON.stringify(r.body);
    expect(text).toMatch(/line 1/);
    for (const needle of ['sk_live', 'hunter2', 'horse', 'API_KEY', 'password']) expect(text).not.toContain(needle);
  });

  it('reads at most the configured size', async () => {
    fs.writeFileSync(path.join(imports, 'big.csv'), csv(100));
    await call(s, 'files.limits.update', { maxImportBytes: 2048 });
    const r = await imp('big.csv');
    expect(r.status).toBe(422);
    expect(r.body.error.message).toMatch(/over the import limit of 2048 bytes/);
    await call(s, 'files.limits.update', { maxImportBytes: 1_000_000_000 });
    expect((await call(s, 'files.folders.list', {})).body.result.maxImportBytes).toBe(1_000_000_000);
    const ok = await imp('big.csv');
    expect(ok.status).toBe(200);
    expect(ok.body.result.imported).toBe(100);
  });

  it('lists the files in imports/ and exports/ by name', async () => {
    const r = await call(s, 'files.list', { folder: 'imports' });
    expect(r.body.result.map((f: { name: string }) => f.name)).toContain('big.csv');
    expect(r.body.result.map((f: { name: string }) => f.name)).not.toContain('pipe.csv');
  });
});
