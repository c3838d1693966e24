/** Where the repository and the real `tollgate` bin are, from the compiled location tests/dist/support/. */
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const TOLLGATE_BIN = fileURLToPath(new URL('../../../packages/cli/bin/tollgate.js', import.meta.url));
