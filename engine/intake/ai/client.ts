/**
 * One OpenAI-compatible chat-completions call with plain fetch: POST <baseUrl>/chat/completions.
 * Timeouts, 429 and 5xx are retried (with a short back-off, honouring Retry-After) while the
 * provider's timeout lasts; then the call gives up with 'timeout' or 'error'.
 */
export interface ChatResult {
  status: 'ok' | 'timeout' | 'error';
  text: string;
  tokens: number;
  error?: string;
}

export interface ChatRequest {
  baseUrl: string;
  model: string;
  apiKey: string | null;
  timeoutMs: number;
  prompt: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function chat(req: ChatRequest): Promise<ChatResult> {
  const deadline = Date.now() + req.timeoutMs;
  const url = `${req.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  let lastError = 'no attempt';
  let attempt = 0;
  while (Date.now() < deadline) {
    attempt++;
    const left = deadline - Date.now();
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(req.apiKey ? { authorization: `Bearer ${req.apiKey}` } : {}) },
        body: JSON.stringify({ model: req.model, messages: [{ role: 'user', content: req.prompt }], temperature: 0, response_format: { type: 'json_object' } }),
        signal: AbortSignal.timeout(left),
      });
      if (res.status === 429 || res.status >= 500) {
        lastError = `HTTP ${res.status}`;
        const ra = Number(res.headers.get('retry-after'));
        const wait = Number.isFinite(ra) && ra > 0 ? ra * 1000 : Math.min(1000, 50 * 2 ** attempt);
        await res.body?.cancel();
        if (Date.now() + wait >= deadline) break;
        await sleep(wait);
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        return { status: 'error', text: '', tokens: 0, error: `HTTP ${res.status}` };
      }
      const raw = await res.text();
      let j: { choices?: Array<{ message?: { content?: unknown } }>; usage?: { total_tokens?: unknown } };
      try {
        j = JSON.parse(raw) as typeof j;
      } catch {
        return { status: 'ok', text: raw, tokens: 0 };
      }
      const content = j.choices?.[0]?.message?.content;
      const tokens = typeof j.usage?.total_tokens === 'number' ? j.usage.total_tokens : 0;
      return { status: 'ok', text: typeof content === 'string' ? content : raw, tokens };
    } catch (e) {
      const name = (e as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') return { status: 'timeout', text: '', tokens: 0, error: `no answer within ${req.timeoutMs} ms` };
      lastError = (e as Error).message;
      if (Date.now() + 100 >= deadline) break;
      await sleep(100);
    }
  }
  return { status: lastError.startsWith('HTTP') ? 'error' : 'timeout', text: '', tokens: 0, error: `${lastError} (gave up after ${req.timeoutMs} ms)` };
}
