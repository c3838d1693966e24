#!/usr/bin/env node
/**
 * The command runs from its bundle, made by `npm run build` (scripts/bundle-cli.mjs). Stack traces name the
 * TypeScript sources and their lines rather than places in the bundle: source-mapped-stacks.js (its own small entry,
 * loaded first) reads a chunk's source map when a stack through that chunk is first formatted. Node's own source maps
 * (process.setSourceMapsEnabled) would read every chunk's map as it loads, which cost 8-15 % of every start.
 */
import { existsSync } from 'node:fs';

const bundleDirectory = new URL('../dist/bundle/', import.meta.url);
const bundle = new URL('tollgate.js', bundleDirectory);
if (!existsSync(bundle)) {
  process.stderr.write('tollgate: not built: run `npm run build` in the repository first\n');
  process.exit(1);
}
const { mapStackTracesUnder } = await import(new URL('source-mapped-stacks.js', bundleDirectory).href);
mapStackTracesUnder(bundleDirectory);
await import(bundle.href);
