/**
 * The list picker (the chart's source or one of the trader's lists) and creating, renaming and
 * deleting lists with a small inline field — never a browser prompt.
 */
import { useState } from 'react';
import { useWatchlist, type WatchView } from '../stores/watchlist';

type Mode = { kind: 'none' } | { kind: 'new' } | { kind: 'rename'; id: number } | { kind: 'delete'; id: number };

export function ListBar({ sourceLabel, onDone }: { sourceLabel: string; onDone(): void }) {
  const { view, lists, setView, create, rename, remove } = useWatchlist();
  const [mode, setMode] = useState<Mode>({ kind: 'none' });
  const [name, setName] = useState('');
  const current = typeof view === 'number' ? lists.find((l) => l.id === view) : undefined;
  const close = () => {
    setMode({ kind: 'none' });
    onDone();
  };
  const submit = async () => {
    if (mode.kind === 'new' && (await create(name.trim()))) close();
    if (mode.kind === 'rename' && (await rename(mode.id, name.trim()))) close();
  };
  return (
    <div className="wl-listbar">
      <div className="wl-listrow">
        <select
          aria-label="Watchlist"
          data-testid="watch-picker"
          value={String(view)}
          onChange={(e) => setView((e.target.value === 'source' ? 'source' : Number(e.target.value)) as WatchView)}
        >
          <option value="source">{sourceLabel}</option>
          {lists.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name} ({l.symbols.length})
            </option>
          ))}
        </select>
        <button data-testid="watch-new" title="New list" onClick={() => (setName(''), setMode({ kind: 'new' }))}>
          New
        </button>
        <button data-testid="watch-rename" disabled={!current} title="Rename this list" onClick={() => current && (setName(current.name), setMode({ kind: 'rename', id: current.id }))}>
          Rename
        </button>
        <button data-testid="watch-delete" disabled={!current} title="Delete this list" onClick={() => current && setMode({ kind: 'delete', id: current.id })}>
          Delete
        </button>
      </div>
      {(mode.kind === 'new' || mode.kind === 'rename') && (
        <form
          className="wl-listrow"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <input
            autoFocus
            data-testid="watch-name-input"
            aria-label={mode.kind === 'new' ? 'New list name' : 'New name'}
            placeholder={mode.kind === 'new' ? 'Name of the new list' : 'New name'}
            value={name}
            maxLength={64}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => {
              e.stopPropagation();
              if (e.key === 'Escape') close();
            }}
          />
          <button type="submit" data-testid="watch-name-save">
            {mode.kind === 'new' ? 'Create' : 'Rename'}
          </button>
          <button type="button" onClick={close}>
            Cancel
          </button>
        </form>
      )}
      {mode.kind === 'delete' && (
        <div className="wl-listrow wl-confirm" role="alert">
          <span>Delete “{lists.find((l) => l.id === mode.id)?.name}”?</span>
          <button autoFocus className="danger" data-testid="watch-delete-confirm" onClick={() => void remove(mode.id).then((ok) => ok && close())}>
            Delete
          </button>
          <button onClick={close}>Keep</button>
        </div>
      )}
    </div>
  );
}
