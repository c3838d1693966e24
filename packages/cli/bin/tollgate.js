#!/usr/bin/env node
/**
 * The command runs from its bundle, made by `npm run build` (scripts/bundle-cli.mjs). Source maps are turned on
 * first, since Node reads a module's map when it compiles the module: stack traces then name the TypeScript
 * sources and their lines rather than places in the bundle.
 */
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/bundle/tollgate.js', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('tollgate: not built: run `npm run build` in the repository first\n');
  process.exit(1);
}
process.setSourceMapsEnabled(true);
await import(bundle.href);
