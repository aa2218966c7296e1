// Reads vitest's JSON results and prints `N passed, N failed`. A file that failed outside its tests
// (a beforeAll that threw, an import error) counts its tests that did not run as failed, and at
// least one, so a broken harness can never look like a pass. Used by `npm test` and by .ci/run.
import fs from 'node:fs';

/** @returns {{passed: number, failed: number}} */
export function summarize(file) {
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  let passed = 0;
  let failed = 0;
  for (const t of r.testResults) {
    const tests = t.assertionResults ?? [];
    const p = tests.filter((a) => a.status === 'passed').length;
    const f = tests.filter((a) => a.status === 'failed').length;
    passed += p;
    if (t.status === 'failed') {
      const notRun = tests.length - p - f;
      failed += Math.max(1, f + notRun);
    } else {
      failed += f;
    }
  }
  return { passed, failed };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const { passed, failed } = summarize(process.argv[2] ?? 'test-results/vitest.json');
    console.log(`${passed} passed, ${failed} failed`);
  } catch (e) {
    console.error(`no test results were written (${e.message})`);
    process.exit(1);
  }
}
