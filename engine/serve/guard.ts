/**
 * The doors' first check: a request must name this server in `Host` (the bound address or a
 * loopback name, with our port) and, when a browser sends `Origin`, come from this server's own
 * origin. This stops DNS rebinding (a foreign name resolved to 127.0.0.1) and foreign pages.
 */
import type http from 'node:http';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export interface OriginPolicy {
  /** Why the request is refused, or null when it may pass. */
  refuse(req: http.IncomingMessage, opts: { api: boolean }): string | null;
}

function hostName(bind: string): string {
  return bind.includes(':') && !bind.startsWith('[') ? `[${bind}]` : bind;
}

/** An IP literal (v4, or v6 in brackets): a name DNS cannot rebind. */
const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i;

/**
 * @param remote bound beyond loopback with --allow-remote: then any IP-literal Host naming our
 * port is accepted too (clients reach us by the machine's address; rebinding needs a DNS name).
 */
export function originPolicy(bind: string, port: () => number, remote = false): OriginPolicy {
  const names = new Set([...LOOPBACK_NAMES, hostName(bind).toLowerCase()]);
  const named = (h: string): boolean => {
    const p = port();
    const lower = h.toLowerCase();
    for (const n of names) {
      if (lower === `${n}:${p}`) return true;
      if (p === 80 && lower === n) return true;
    }
    return false;
  };
  const allowedHost = (h: string): boolean => {
    const p = port();
    const lower = h.toLowerCase();
    if (named(lower)) return true;
    if (remote) {
      const i = lower.lastIndexOf(':');
      return i > 0 && lower.slice(i + 1) === String(p) && IP_LITERAL.test(lower.slice(0, i));
    }
    return false;
  };
  return {
    refuse(req, { api }) {
      const host = req.headers.host;
      if (!host || !allowedHost(host)) return `Host "${host ?? ''}" is not this server (use 127.0.0.1 or localhost)`;
      const origin = req.headers.origin;
      // Browsers send Origin on WebSocket upgrades and cross-site requests; scripts and curl do not.
      if (origin !== undefined && (api || origin !== 'null')) {
        const m = /^http:\/\/([^/]+)$/i.exec(origin);
        // The page must come from a loopback name of ours, or from exactly the host it asks.
        if (!m?.[1] || !(named(m[1]) || m[1].toLowerCase() === host.toLowerCase())) return `Origin "${origin}" is not this server's own`;
      }
      return null;
    },
  };
}
