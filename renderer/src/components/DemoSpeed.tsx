/**
 * Seeing signals sooner. Signals come from closed bars, so at real time the first ones take a
 * while. "Demo speed" runs the simulated market 60× faster (a 1m bar per second) with one click
 * (market.sim.setSpeed), in serve mode and the desktop app alike; the same is `--sim-speed 60`
 * on the command line. The first start says so above the chart until dismissed.
 */
import { useState } from 'react';
import { api } from '../api/client';
import { useApp } from '../stores/app';
import { useKeyActions } from '../keyboard/registry';
import { keyAction } from '../keyboard/catalogue';

export const DEMO_SPEED = 60;
const SEEN_KEY = 'signaldesk.firstRun.hintDismissed';

function useDemoSpeed(): { available: boolean; on: boolean; speed: number; toggle: () => Promise<void>; error: string | null } {
  const info = useApp((s) => s.info);
  const speed = useApp((s) => s.simSpeed);
  const [error, setError] = useState<string | null>(null);
  const on = speed !== 1;
  const toggle = async () => {
    setError(null);
    try {
      const r = await api.call('market.sim.setSpeed', { speed: on ? 1 : DEMO_SPEED });
      useApp.setState({ simSpeed: r.speed });
    } catch (e) {
      setError(`Demo speed not changed: ${(e as Error).message}`);
    }
  };
  return { available: !!info?.sim, on, speed, toggle, error };
}

/** The status bar's one-click toggle (also in the command palette). */
export function DemoSpeedToggle() {
  const d = useDemoSpeed();
  useKeyActions(
    'demo-speed',
    d.available ? [keyAction('sim.demoSpeed', () => void d.toggle(), d.on ? 'Demo speed off (simulated market back to real time)' : `Demo speed on (simulated market ${DEMO_SPEED}× faster)`)] : [],
    [d.available, d.on],
  );
  if (!d.available) return null;
  return (
    <button
      className={`demo-speed${d.on ? ' on' : ''}`}
      aria-pressed={d.on}
      onClick={() => void d.toggle()}
      title={d.on ? `The simulated market runs ${d.speed}× real time; click for real time` : `Run the simulated market ${DEMO_SPEED}× faster (a 1m bar per second) to see signals sooner`}
      data-testid="demo-speed"
    >
      {d.on ? `Demo speed ${d.speed}× — on` : 'Demo speed — off'}
      {d.error && <span className="error"> {d.error}</span>}
    </button>
  );
}

function dismissed(): boolean {
  try {
    return window.localStorage.getItem(SEEN_KEY) === 'yes';
  } catch {
    return false;
  }
}

/** The first start's guidance above the chart: how to see signals sooner. */
export function FirstRunHint() {
  const d = useDemoSpeed();
  const [hidden, setHidden] = useState(dismissed);
  if (hidden || !d.available) return null;
  const close = () => {
    try {
      window.localStorage.setItem(SEEN_KEY, 'yes');
    } catch {
      // Private mode: hidden for this session only.
    }
    setHidden(true);
  };
  return (
    <div className="first-run" role="note" data-testid="first-run-hint">
      <span>
        <b>First start:</b> signals need closed bars — at real time the first can take an hour. See them sooner:
      </span>
      <button className={`btn${d.on ? '' : ' primary'}`} onClick={() => void d.toggle()} aria-pressed={d.on} data-testid="first-run-demo">
        {d.on ? `Demo speed on (${d.speed}×) — back to real time` : `Demo speed (${DEMO_SPEED}×)`}
      </button>
      <span className="muted">
        or start with <code>--sim-speed {DEMO_SPEED}</code> (status bar: toggle)
      </span>
      <button className="toast-x" onClick={close} aria-label="Dismiss the first-start hint" data-testid="first-run-dismiss">
        ×
      </button>
      {d.error && <span className="error">{d.error}</span>}
    </div>
  );
}
