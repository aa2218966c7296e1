/**
 * One keydown listener for the window: every action is declared in the keyboard registry, so no
 * key is handled twice. Views and overlays that add their own `window` keydown listener (which
 * would run beside the registry's, unseen by the palette and the shortcut help) fail here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyConflicts, type KeyAction } from '../../renderer/src/keyboard/registry';

const SRC = path.resolve(__dirname, '../../renderer/src');
/** The registry's own listener, and the dialog's Esc / focus trap (a dialog, not an action). */
const ALLOWED = ['keyboard/KeyboardRoot.tsx', 'components/Modal.tsx'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(n) ? [p] : [];
  });
}

/** Files that listen for keydown on window or document, relative to renderer/src. */
export function keydownListeners(): string[] {
  const re = /(window|document)\s*\.\s*addEventListener\(\s*['"`]keydown['"`]|(window|document)\s*\.\s*onkeydown\s*=/;
  return files(SRC)
    .filter((f) => re.test(readFileSync(f, 'utf8')))
    .map((f) => path.relative(SRC, f).split(path.sep).join('/'))
    .sort();
}

const act = (id: string, keys: string, scope?: string, bound?: boolean): KeyAction => ({ id, label: id, group: 'g', keys, scope, bound, run: () => undefined });

describe('window keydown listeners', () => {
  it('only the keyboard registry and the modal dialog listen for keydown on the window', () => {
    expect(keydownListeners()).toEqual([...ALLOWED].sort());
  });
});

describe('keyConflicts', () => {
  it('finds two bound actions on one key in one view, or a view key shadowing a global one', () => {
    const c = keyConflicts([act('data.csv', 'I', 'data'), act('chart.next', 'I', 'chart'), act('other.csv', 'i', 'data'), act('kill', 'K'), act('view.k', 'K', 'orders')]);
    expect(c.map((x) => x.ids)).toEqual([
      ['data.csv', 'other.csv'],
      ['kill', 'view.k'],
    ]);
  });
  it('keeps Shift+X apart from X, other views apart, and listed-only (unbound) keys out', () => {
    expect(keyConflicts([act('flatten', 'Shift+X', 'orders'), act('close', 'X', 'orders'), act('pos', 'P', 'orders'), act('pause', 'P', 'signals'), act('close2', 'X', 'orders', false)])).toEqual([]);
  });
});
