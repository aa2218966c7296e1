/**
 * Request bodies and WebSocket messages: at most 1 MB, JSON, and at most MAX_DEPTH levels of
 * nesting (checked on the text before parsing, so no deep structure is ever built).
 */
import type http from 'node:http';
import { ApiError } from '../api/errors';

export const MAX_BODY = 1_000_000;
export const MAX_DEPTH = 32;
/** A body past MAX_BODY is read and dropped up to this size (so the 413 reaches the client), then the connection is cut. */
const MAX_DRAIN = 16_000_000;

/** Nesting depth of a JSON text, counting only brackets outside strings. Stops counting past `limit`. */
export function jsonDepth(text: string, limit = MAX_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      if (depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return max;
}

/** Parses untrusted JSON text: BAD_INPUT when it is not JSON or nests deeper than MAX_DEPTH. */
export function parseJson(text: string): unknown {
  if (jsonDepth(text) > MAX_DEPTH) throw new ApiError('BAD_INPUT', `JSON nests deeper than ${MAX_DEPTH} levels`, { maxDepth: MAX_DEPTH });
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ApiError('BAD_INPUT', 'Body is not valid JSON', { reason: (e as Error).message });
  }
}

export function tooLarge(): ApiError {
  return new ApiError('TOO_LARGE', `Body larger than ${MAX_BODY} bytes`, { maxBytes: MAX_BODY });
}

/** Reads a request body as JSON ({} when empty). Past MAX_BODY it answers TOO_LARGE once the body is drained. */
export function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_DRAIN) {
      req.resume();
      return reject(tooLarge());
    }
    let size = 0;
    let over = false;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        over = true;
        chunks.length = 0;
        if (size > MAX_DRAIN) {
          req.destroy();
          reject(tooLarge());
        }
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (over) return reject(tooLarge());
      const buf = Buffer.concat(chunks);
      const text = new TextDecoder('utf-8', { fatal: false }).decode(buf).trim();
      if (!text) return resolve({});
      try {
        resolve(parseJson(text));
      } catch (e) {
        reject(e as Error);
      }
    });
    req.on('error', reject);
  });
}
