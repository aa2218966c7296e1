/** Only the exchange gateway (engine/exchange) may load ccxt: checked by the lint and over the source tree. */
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/serve';

const eslint = new ESLint({ cwd: ROOT });
async function errors(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (r?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

/** Static imports, type imports, dynamic imports and requires of the ccxt package. */
const LOADS_CCXT = /(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)['"]ccxt(?:\/[^'"]*)?['"]/;

function sources(dir: string): string[] {
  const out: string[] = [];
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx|mts|cts|js|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

describe('exchange gateway layering', () => {
  it('the lint refuses ccxt anywhere in engine/ or db/ outside engine/exchange, and allows it there', async () => {
    expect(await errors('engine/orders/x.ts', "import { binance } from 'ccxt';\nexport const a = binance;\n")).toHaveLength(1);
    expect(await errors('engine/market/x.ts', "import type { Exchange } from 'ccxt';\nexport type A = Exchange;\n")).toHaveLength(1);
    expect(await errors('db/x.ts', "import { binance } from 'ccxt';\nexport const a = binance;\n")).toHaveLength(1);
    expect(await errors('engine/exchange/x.ts', "import type { Exchange } from 'ccxt';\nexport type A = Exchange;\n")).toEqual([]);
    // The gateway still obeys the rest of the engine's layering.
    expect(await errors('engine/exchange/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
  });

  it('no file of the app outside engine/exchange loads ccxt, dynamically or otherwise', () => {
    const files = ['engine', 'db', 'electron', 'renderer', 'bench', 'scripts'].flatMap((d) => sources(path.join(ROOT, d)));
    const loading = files.filter((f) => LOADS_CCXT.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(ROOT, f).split(path.sep).join('/'));
    const outside = loading.filter((f) => !f.startsWith('engine/exchange/'));
    expect(outside).toEqual([]);
    // The pattern does find the gateway's own loading of ccxt (so an empty list above means something).
    expect(loading).toContain('engine/exchange/ccxt.ts');
  });
});
