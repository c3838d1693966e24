/**
 * Loaded with `node --import` ahead of the CLI: records which modules the process loads, in the file named by
 * TOLLGATE_TEST_MODULE_LOG. ES modules are reported by the hooks as they load; CommonJS modules required from
 * inside a package never reach the hooks, so the require cache is added when the process exits.
 */
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const log = process.env.TOLLGATE_TEST_MODULE_LOG;
if (log !== undefined) {
  register('./hooks.js', import.meta.url);
  const requireCache = createRequire(import.meta.url).cache;
  process.on('exit', () => {
    const files = Object.keys(requireCache).map((file) => pathToFileURL(file).href);
    appendFileSync(log, files.map((url) => `${url}\n`).join(''));
  });
}
