/** Where the built dashboard lives, for the server's static file handler. */
import { fileURLToPath } from 'node:url';

/** Absolute path of the built assets (index.html and assets/), made by `npm run build` in this package. */
export const assetsDir = fileURLToPath(new URL('./dist/', import.meta.url));
