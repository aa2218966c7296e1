/**
 * The palette reads the keyboard registry (renderer/src/keyboard/registry.ts). `usePaletteActions`
 * is kept for components whose keys are still handled by their own listener: their actions are
 * listed (palette, help) but not bound by the registry's listener.
 */
import { useKeyActions, type KeyAction } from '../keyboard/registry';

export type PaletteAction = Omit<KeyAction, 'bound'>;
export { allActions, filterActions } from '../keyboard/registry';

export function usePaletteActions(owner: string, actions: PaletteAction[], deps: unknown[]): void {
  useKeyActions(
    owner,
    actions.map((a) => ({ ...a, bound: false })),
    deps,
  );
}
