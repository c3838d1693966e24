/**
 * Builds the dashboard into dist/ for the server to serve at /dashboard/. The server sends a strict CSP
 * (`script-src 'self'; style-src 'self'`), so the build emits only external, hashed files: no inline scripts,
 * no inline styles, no source maps.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/dashboard/',
  // No @preact/preset-vite: Vite's own oxc transform compiles JSX for Preact's automatic runtime.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
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
