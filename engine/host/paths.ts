import fs from 'node:fs';
import path from 'node:path';

/**
 * Finds `rel` in the build output from wherever this code was bundled (out/main or a chunk
 * folder below it): looks in the parent folders of `from`, nearest first.
 */
export function findBuilt(rel: string, from: string = __dirname): string | null {
  let dir = from;
  for (let i = 0; i < 4; i++) {
    const p = path.join(dir, rel);
    if (fs.existsSync(p)) return p;
    dir = path.dirname(dir);
  }
  return null;
}
