#!/usr/bin/env node
/**
 * The command runs from its bundle, made by `npm run build` (scripts/bundle-cli.mjs): CommonJS chunks that
 * bundle-loader.cjs compiles with a V8 code cache (packages/cli/src/bundle-loader.ts). Stack traces name the
 * TypeScript sources and their lines rather than places in the bundle: source-mapped-stacks.cjs (its own small entry,
 * loaded first) reads a chunk's source map when a stack through that chunk is first formatted. Node's own source maps
 * (process.setSourceMapsEnabled) would read every chunk's map as it loads, which cost 8-15 % of every start.
 * This file is CommonJS (bin/package.json): an ES module entry would start Node's ES module loader for nothing,
 * ~20 M instructions of every command (callgrind).
 */
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundleDirectory = join(__dirname, '..', 'dist', 'bundle', '/');
if (!existsSync(`${bundleDirectory}tollgate.cjs`)) {
  process.stderr.write('tollgate: not built: run `npm run build` in the repository first\n');
  process.exit(1);
}
require(`${bundleDirectory}source-mapped-stacks.cjs`).mapStackTracesUnder(bundleDirectory);
require(`${bundleDirectory}bundle-loader.cjs`).runBundle(bundleDirectory, 'tollgate.cjs');
