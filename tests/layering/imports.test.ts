/** The layering of docs/architecture.md is enforced by the lint: these imports must fail it. */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { ESLint } from 'eslint';
import { ROOT } from '../helpers/serve';

const eslint = new ESLint({ cwd: ROOT });
async function errors(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (r?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering', () => {
  it('engine/ and db/ may not import electron or React', async () => {
    expect(await errors('engine/core/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await errors('db/x.ts', "import React from 'react';\nexport const a = React;\n")).toHaveLength(1);
  });
  it('renderer/ may import only the contract, never engine internals, db, electron or Node', async () => {
    const bad = [
      "import { Host } from '../../engine/host/host';\nexport const a = Host;\n",
      "import { openDatabase } from '../../db/database';\nexport const a = openDatabase;\n",
      "import fs from 'node:fs';\nexport const a = fs;\n",
      "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n",
    ];
    for (const code of bad) expect(await errors('renderer/src/x.ts', code), code).toHaveLength(1);
    expect(await errors('renderer/src/x.ts', "import { commands } from '../../engine/api';\nexport const a = commands;\n")).toEqual([]);
  });
  it('engine/api stays pure: no Node modules', async () => {
    expect(await errors('engine/api/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toHaveLength(1);
  });
});
