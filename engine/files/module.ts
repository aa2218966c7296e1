/** The files.* commands: the folders commands may use, and the files in imports/ and exports/. */
import fs from 'node:fs';
import path from 'node:path';
import type { EngineContext, EngineModule, Handlers } from '../core/context';
import { FilePolicy } from './policy';

export class FilesModule implements EngineModule {
  readonly name = 'files';
  readonly policy: FilePolicy;

  constructor(ctx: EngineContext) {
    this.policy = new FilePolicy(ctx.db, ctx.opts.dataDir);
  }

  start(): void {
    this.policy.importsDir();
    this.policy.exportsDir();
  }

  readonly handlers: Partial<Handlers> = {
    'files.folders.list': () => this.policy.list(),
    'files.folders.add': ({ path: p }) => this.policy.addFolder(p),
    'files.folders.remove': ({ path: p }) => this.policy.removeFolder(p),
    'files.limits.update': ({ maxImportBytes }) => this.policy.setMaxImportBytes(maxImportBytes),
    'files.list': async ({ folder }) => {
      const dir = folder === 'imports' ? this.policy.importsDir() : this.policy.exportsDir();
      const names = await fs.promises.readdir(dir);
      const out = [];
      for (const name of names.slice(0, 1000)) {
        if (name.startsWith('.')) continue;
        const st = await fs.promises.lstat(path.join(dir, name)).catch(() => null);
        if (st?.isFile()) out.push({ name, size: st.size, modifiedAt: Math.round(st.mtimeMs) });
      }
      return out.sort((a, b) => b.modifiedAt - a.modifiedAt);
    },
  };
}
