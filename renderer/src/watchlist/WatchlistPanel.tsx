/**
 * The watchlist beside the chart (W shows / hides it). The filter field holds the keyboard: typing
 * filters, ↑/↓ move, Enter shows the symbol on the chart, + adds a symbol to a list, Esc clears the
 * filter then leaves the field. Rows have a fixed height and only the visible ones are rendered;
 * quotes arrive in one batch call and are applied once per animation frame.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/client';
import { useApp } from '../stores/app';
import { useSourceLabel } from '../stores/sources';
import { pollQuotes, useWatchlist } from '../stores/watchlist';
import { useKeyActions } from '../keyboard/registry';
import { keyAction } from '../keyboard/catalogue';
import { nextIndex } from '../keyboard/use-list-selection';
import { ListBar } from './ListBar';
import { AddSymbol } from './AddSymbol';
import { ROW_H, WatchRow } from './WatchRow';
import { basisHeading } from './format';
import './watchlist.css';

const OVERSCAN = 6;

/** Shows a symbol on the chart, switching the chart's source when the symbol is on another one. */
async function showOnChart(source: string, symbol: string): Promise<void> {
  const app = useApp.getState();
  if (source === app.source) return app.setSymbol(symbol);
  const symbols = await api.call('market.symbols', { source });
  useApp.setState({ source, symbols, symbol });
}

export function WatchlistPanel() {
  const open = useWatchlist((s) => s.open);
  const setOpen = useWatchlist((s) => s.setOpen);
  const filterRef = useRef<HTMLInputElement>(null);
  const [adding, setAdding] = useState(false);
  const toggle = useCallback(() => {
    const next = !useWatchlist.getState().open;
    setOpen(next);
    setAdding(false);
  }, [setOpen]);
  const startAdd = useCallback(() => setAdding(true), []);
  useKeyActions(
    'watchlist',
    [
      keyAction('watchlist.toggle', toggle),
      ...(open ? [keyAction('watchlist.add', startAdd)] : []),
    ],
    [open, toggle, startAdd],
  );
  useEffect(() => {
    if (open) filterRef.current?.focus();
  }, [open]);
  if (!open) return null;
  return <Panel filterRef={filterRef} adding={adding} setAdding={setAdding} onClose={toggle} />;
}

interface PanelProps {
  filterRef: React.RefObject<HTMLInputElement | null>;
  adding: boolean;
  setAdding(v: boolean): void;
  onClose(): void;
}

function Panel({ filterRef, adding, setAdding, onClose }: PanelProps) {
  // Selectors: the app's clock ticks many times a second and must not re-render the panel.
  const source = useApp((s) => s.source);
  const symbol = useApp((s) => s.symbol);
  const symbols = useApp((s) => s.symbols);
  const info = useApp((s) => s.info);
  const connection = useApp((s) => s.connection);
  const { view, lists, quotes, seq, note, loadLists, add, create, setNote } = useWatchlist();
  const src = useSourceLabel(source, info?.sources.find((s) => s.id === source));
  const list = typeof view === 'number' ? lists.find((l) => l.id === view) : undefined;
  const [filter, setFilter] = useState('');
  const [sel, setSel] = useState(0);

  useEffect(() => {
    if (connection === 'open') void loadLists().catch((e: unknown) => setNote({ text: `lists could not be read: ${(e as Error).message}`, tone: 'refused' }));
  }, [connection, loadLists, setNote]);

  // One batch call for every row, again after each answer.
  const listKey = list ? JSON.stringify(list.symbols) : '';
  useEffect(() => {
    if (connection !== 'open' || (typeof view === 'number' && !list)) return;
    const items = list ? { symbols: list.symbols } : { source };
    return pollQuotes(items, (msg) => setNote({ text: `quotes failed: ${msg}`, tone: 'refused' }));
  }, [connection, view, source, listKey]);

  const shown = useMemo(() => {
    const f = filter.trim().toUpperCase();
    return f ? quotes.filter((q) => q.symbol.toUpperCase().includes(f) || q.source.toUpperCase().includes(f)) : quotes;
  }, [quotes, filter]);
  const clamped = Math.min(sel, Math.max(0, shown.length - 1));

  // Selection starts on the chart's symbol when a list first arrives.
  const placed = useRef<string>('');
  useEffect(() => {
    const id = `${String(view)}|${source}`;
    if (!quotes.length || placed.current === id) return;
    placed.current = id;
    const i = quotes.findIndex((q) => q.source === source && q.symbol === symbol);
    setSel(Math.max(0, i));
  }, [quotes, view, source, symbol]);

  // Virtualized rows: fixed height, only the visible ones (plus a few) are in the DOM.
  const viewport = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: 400 });
  useLayoutEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setScroll({ top: el.scrollTop, height: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const scrollFrame = useRef(0);
  const onScroll = () => {
    cancelAnimationFrame(scrollFrame.current);
    scrollFrame.current = requestAnimationFrame(() => {
      const el = viewport.current;
      if (el) setScroll({ top: el.scrollTop, height: el.clientHeight });
    });
  };
  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const top = clamped * ROW_H;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_H > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_H - el.clientHeight;
  }, [clamped]);
  const first = Math.max(0, Math.floor(scroll.top / ROW_H) - OVERSCAN);
  const last = Math.min(shown.length, Math.ceil((scroll.top + scroll.height) / ROW_H) + OVERSCAN);

  // Stable across quote updates, so a row re-renders only when its own quote changes.
  const shownRef = useRef(shown);
  shownRef.current = shown;
  const pick = useCallback(
    (i: number) => {
      setSel(i);
      const q = shownRef.current[i];
      if (q) void showOnChart(q.source, q.symbol).catch((e: unknown) => setNote({ text: `could not show ${q.symbol}: ${(e as Error).message}`, tone: 'refused' }));
    },
    [setNote],
  );

  // `+`: to the list shown, or (from the chart's source) to the first of the trader's lists — a new one when there is none.
  const target = list ?? lists[0];
  const addSymbol = async (s: string): Promise<boolean> => {
    const item = { source, symbol: s };
    if (target) return add(target.id, item);
    return (await create('My watchlist', [item])) !== null;
  };
  const closeAdd = () => {
    setAdding(false);
    filterRef.current?.focus();
  };

  const heading = basisHeading(shown.map((q) => q.basis));
  const title = list ? list.name : `${src.label}${src.simulated ? ' (SIMULATED)' : ''}`;
  return (
    <aside className="wl-panel" aria-label="Watchlist" data-testid="watchlist" data-view={String(view)} data-seq={seq} data-rows={shown.length}>
      <div className="wl-head">
        <strong>Watchlist</strong>
        <span className="muted wl-title" title={title}>
          {title}
        </span>
        <button className="wl-x" title="Hide the watchlist (W)" aria-label="Hide the watchlist" onClick={onClose}>
          ×
        </button>
      </div>
      <ListBar sourceLabel={`Chart source (${source})`} onDone={() => filterRef.current?.focus()} />
      <input
        ref={filterRef}
        className="wl-filter"
        data-testid="watch-filter"
        aria-label="Filter the watchlist"
        placeholder="Type to filter · ↑↓ · Enter: chart · +: add"
        value={filter}
        onChange={(e) => {
          setFilter(e.target.value);
          setSel(0);
        }}
        onKeyDown={(e) => {
          const next = e.key === 'ArrowDown' || e.key === 'ArrowUp' || e.key === 'Home' || e.key === 'End' ? nextIndex(e.key, clamped, shown.length) : null;
          if (next !== null) setSel(next);
          else if (e.key === 'Enter') pick(clamped);
          else if (e.key === '+') setAdding(true);
          else if (e.key === 'Escape') {
            if (filter) setFilter('');
            else e.currentTarget.blur();
          } else return;
          e.preventDefault();
          e.stopPropagation();
        }}
        aria-controls="wl-rows"
        aria-activedescendant={shown[clamped] ? `wl-row-${clamped}` : undefined}
      />
      {adding && <AddSymbol target={target ? `“${target.name}”` : 'a new list “My watchlist”'} initial={list ? '' : (shown[clamped]?.symbol ?? '')} symbols={symbols} onAdd={addSymbol} onClose={closeAdd} />}
      {note && (
        <div className={`wl-note ${note.tone}`} data-testid="watch-note" role="status">
          {note.text}
        </div>
      )}
      <div className="wl-cols muted" aria-hidden="true">
        <span>Symbol</span>
        <span className="r">Last</span>
        <span className="r" title={heading.title} data-testid="watch-basis">
          {heading.label}
        </span>
        <span title="Hourly closes over the same window">Trend</span>
        <span title="The newest signal on the symbol">Signal</span>
        <span />
      </div>
      <div className="wl-viewport" ref={viewport} onScroll={onScroll} id="wl-rows" role="listbox" aria-label="Watchlist symbols">
        <div className="wl-rows" style={{ height: shown.length * ROW_H }}>
          {shown.slice(first, last).map((q, k) => {
            const i = first + k;
            return <WatchRow key={`${q.source}|${q.symbol}`} quote={q} index={i} selected={i === clamped} onChart={q.source === source && q.symbol === symbol} showSource={!!list} onPick={pick} />;
          })}
        </div>
        {shown.length === 0 && (
          <div className="muted wl-empty" data-testid="watch-empty">
            {quotes.length === 0 ? (list ? 'This list is empty: + adds a symbol.' : 'Waiting for quotes…') : `Nothing matches “${filter}”.`}
          </div>
        )}
      </div>
      <div className="wl-foot muted">
        {shown.length} of {quotes.length} symbols · W hides
      </div>
    </aside>
  );
}
