/** The small input `+` opens: a symbol of the chart's source, added to a list of the trader's. */
import { useState } from 'react';

export function AddSymbol({ target, initial, symbols, onAdd, onClose }: { target: string; initial: string; symbols: string[]; onAdd(symbol: string): Promise<boolean>; onClose(): void }) {
  const [value, setValue] = useState(initial);
  return (
    <form
      className="wl-add"
      onSubmit={(e) => {
        e.preventDefault();
        const s = value.trim().toUpperCase();
        if (s) void onAdd(s).then((ok) => ok && onClose());
      }}
    >
      <label>
        Add to {target}:{' '}
        <input
          autoFocus
          data-testid="watch-add-input"
          list="wl-add-symbols"
          placeholder="BTC/USDT"
          value={value}
          maxLength={64}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'Escape') onClose();
          }}
        />
      </label>
      <datalist id="wl-add-symbols">
        {symbols.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
    </form>
  );
}
