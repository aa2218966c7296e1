/**
 * A fake OpenAI-compatible chat-completions server on loopback: POST /v1/chat/completions.
 * Modes: 'valid' (a valid opinion), 'invalid_json', 'schema' (JSON that violates the schema),
 * 'slow' (answers after `delayMs`), '429' (rate limited `times` times, then valid).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeAiMode = 'valid' | 'invalid_json' | 'schema' | 'slow' | '429';

export interface FakeOpenAi {
  url: string;
  calls: number;
  mode: FakeAiMode;
  verdict: 'take' | 'skip' | 'reduce';
  delayMs: number;
  /** 429s still to send in mode '429'. */
  times: number;
  lastPrompt: string;
  close(): Promise<void>;
}

export async function startFakeOpenAi(mode: FakeAiMode = 'valid'): Promise<FakeOpenAi> {
  const state: FakeOpenAi = { url: '', calls: 0, mode, verdict: 'take', delayMs: 0, times: 1, lastPrompt: '', close: async () => {} };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      state.calls++;
      try {
        const j = JSON.parse(body) as { messages: Array<{ content: string }> };
        state.lastPrompt = j.messages[0]?.content ?? '';
      } catch {
        state.lastPrompt = '';
      }
      const answer = (content: string): void => {
        const data = JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content } }], usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 } });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(data);
      };
      const valid = (): void => answer(JSON.stringify({ verdict: state.verdict, confidence: 0.7, reasons: ['trend agrees'], risks: ['thin book'] }));
      switch (state.mode) {
        case 'valid':
          return valid();
        case 'invalid_json':
          return answer('I think you should take it!');
        case 'schema':
          return answer(JSON.stringify({ verdict: 'maybe', confidence: 2 }));
        case 'slow': {
          const t = setTimeout(valid, state.delayMs);
          res.on('close', () => clearTimeout(t));
          return;
        }
        case '429':
          if (state.times > 0) {
            state.times--;
            res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
            res.end('{"error":{"message":"rate limited"}}');
            return;
          }
          return valid();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}
