/** The keyboard registry: one declaration per action; which action a keydown runs, in which view. */
import { describe, expect, it } from 'vitest';
import { actionFor, type KeyAction } from '../../renderer/src/keyboard/registry';
import { matchScore, parseBinding } from '../../renderer/src/keyboard/keys';
import { nextIndex } from '../../renderer/src/keyboard/use-list-selection';

const ev = (key: string, mods: Partial<{ ctrlKey: boolean; altKey: boolean; shiftKey: boolean; metaKey: boolean }> = {}) => ({ key, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, ...mods });
const act = (id: string, keys: string, scope?: string, bound?: boolean): KeyAction => ({ id, label: id, group: 'g', keys, scope, bound, run: () => undefined });

describe('key bindings', () => {
  it('parses modifiers and the key', () => {
    expect(parseBinding('Shift+X')).toEqual({ key: 'x', ctrl: false, alt: false, shift: true });
    expect(parseBinding('Ctrl+K')).toEqual({ key: 'k', ctrl: true, alt: false, shift: false });
    expect(parseBinding('Alt+3')).toEqual({ key: '3', ctrl: false, alt: true, shift: false });
  });
  it('a letter without Shift matches both cases; Shift+X needs Shift or a capital', () => {
    expect(matchScore(parseBinding('K'), ev('k'))).toBe(2);
    expect(matchScore(parseBinding('K'), ev('K', { shiftKey: true }))).toBe(1);
    expect(matchScore(parseBinding('Shift+X'), ev('x'))).toBe(0);
    expect(matchScore(parseBinding('Shift+X'), ev('X', { shiftKey: true }))).toBe(2);
    expect(matchScore(parseBinding('K'), ev('k', { ctrlKey: true }))).toBe(0);
  });
  it('Alt+letter matches by the physical key (macOS types å for Alt+A)', () => {
    expect(matchScore(parseBinding('Alt+A'), { ...ev('å', { altKey: true }), code: 'KeyA' })).toBe(2);
    expect(matchScore(parseBinding('Alt+A'), { ...ev('a', { altKey: true }), code: 'KeyA' })).toBe(2);
    expect(matchScore(parseBinding('Alt+A'), { ...ev('a'), code: 'KeyA' })).toBe(0);
    expect(matchScore(parseBinding('Alt+A'), { ...ev('b', { altKey: true }), code: 'KeyB' })).toBe(0);
  });
});

describe('actionFor', () => {
  const actions = [act('kill', 'K'), act('flatten', 'Shift+X', 'orders'), act('close-sel', 'X', 'orders', false), act('pos', 'P', 'orders'), act('pause', 'P', 'signals'), act('palette', 'Ctrl+K')];
  it('picks the exact binding over a case-insensitive one, and only in its view', () => {
    expect(actionFor(actions, 'orders', ev('X', { shiftKey: true }))?.id).toBe('flatten');
    expect(actionFor(actions, 'chart', ev('X', { shiftKey: true }))).toBeUndefined();
    expect(actionFor(actions, 'orders', ev('p'))?.id).toBe('pos');
    expect(actionFor(actions, 'signals', ev('p'))?.id).toBe('pause');
  });
  it('K runs the kill switch as k or Shift+K; Ctrl+K opens the palette', () => {
    expect(actionFor(actions, 'orders', ev('K', { shiftKey: true }))?.id).toBe('kill');
    expect(actionFor(actions, 'chart', ev('k'))?.id).toBe('kill');
    expect(actionFor(actions, 'chart', ev('k', { ctrlKey: true }))?.id).toBe('palette');
  });
  it('never runs an action listed but not bound', () => {
    expect(actionFor(actions, 'orders', ev('x'))).toBeUndefined();
  });
});

describe('list selection', () => {
  it('moves with arrows and lowercase j/k, stays in range, and leaves K alone', () => {
    expect(nextIndex('j', 0, 3)).toBe(1);
    expect(nextIndex('ArrowDown', 2, 3)).toBe(2);
    expect(nextIndex('k', 0, 3)).toBe(0);
    expect(nextIndex('End', 0, 3)).toBe(2);
    expect(nextIndex('K', 2, 3)).toBeNull();
    expect(nextIndex('j', 0, 0)).toBeNull();
  });
});
