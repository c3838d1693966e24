/**
 * Builds the dashboard into dist/ for the server to serve at /dashboard/. The server sends a strict CSP
 * (`script-src 'self'; style-src 'self'`), so the build emits only external, hashed files: no inline scripts,
 * no inline styles, no source maps.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { type Plugin, defineConfig } from 'vite';

const TEXT_FILE = /\.(?:html|js|css|svg|json)$/;

/**
 * Writes `x.br` and `x.gz` beside each text file. The server holds the dashboard in memory brotli- and
 * gzip-compressed, and compressing it (brotli at its best quality) was the slowest step of getting ready; it uses
 * these copies instead, once it has checked that each decompresses to its file.
 */
function compressedCopies(): Plugin {
  return {
    name: 'tollgate:compressed-copies',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      const texts = Object.values(bundle).filter((file) => TEXT_FILE.test(file.fileName));
      for (const file of texts) {
        const bytes = Buffer.from(file.type === 'chunk' ? file.code : file.source);
        const brotli = { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY };
        await writeFile(join(dir, `${file.fileName}.br`), brotliCompressSync(bytes, { params: brotli }));
        await writeFile(join(dir, `${file.fileName}.gz`), gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }));
      }
    },
  };
}

export default defineConfig({
  base: '/dashboard/',
  // No @preact/preset-vite: Vite's own oxc transform compiles JSX for Preact's automatic runtime.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [compressedCopies()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    // Assets are never inlined as data: URIs, which the CSP would refuse.
    assetsInlineLimit: 0,
    // The polyfill is only for old browsers; leaving it out keeps the bundle to one script.
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
});
