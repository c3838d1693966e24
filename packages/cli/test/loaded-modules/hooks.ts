/** Module hooks (they run on the loader's own thread): every ES module and CommonJS entry imported, one URL a line. */
import { appendFileSync } from 'node:fs';
import type { LoadHook } from 'node:module';

export const load: LoadHook = (url, context, nextLoad) => {
  const log = process.env.TOLLGATE_TEST_MODULE_LOG;
  if (log !== undefined) appendFileSync(log, `${url}\n`);
  return nextLoad(url, context);
};
