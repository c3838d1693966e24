/** A small TypeScript program bundled as scripts/bundle-cli.mjs bundles the command: CommonJS chunks, strict, mapped. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rolldown } from 'rolldown';
import { tempDir } from './run.js';

/** Bundles `sources` (file name → TypeScript text; `entry.ts` is the entry) into `<dir>/bundle/`, which it returns. */
export async function bundleFixture(sources: Readonly<Record<string, string>>): Promise<string> {
  const dir = tempDir();
  mkdirSync(join(dir, 'src'));
  for (const [name, text] of Object.entries(sources)) writeFileSync(join(dir, 'src', name), text);
  const bundle = await rolldown({ cwd: dir, input: { entry: join(dir, 'src', 'entry.ts') }, platform: 'node' });
  try {
    await bundle.write({
      dir: join(dir, 'bundle'),
      format: 'cjs',
      strict: true,
      keepNames: true,
      sourcemap: true,
      entryFileNames: '[name].cjs',
      chunkFileNames: '[name]-[hash].cjs',
    });
  } finally {
    await bundle.close();
  }
  return join(dir, 'bundle', '/');
}
