/**
 * Links between the docs resolve: every relative markdown link (and image) in README.md, docs/, examples/README.md
 * and the packages' READMEs names a file that exists and, with `#anchor`, a heading of that markdown file, spelt
 * the way GitHub spells heading anchors. Moving a section from one page to another must move its links too.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from './support/paths.js';

/** Fenced code blocks and inline code hold examples, not links or headings. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens (github-slugger). */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** The anchors of a markdown file's headings; a repeated heading gets `-1`, `-2`, ... as on GitHub. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const unfenced = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const match of unfenced.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = slug(match[1] as string);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The targets of the inline links and images of a markdown file, outside code. */
function linkTargets(markdown: string): string[] {
  return [...withoutCode(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(
    (match) => match[1] as string,
  );
}

const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

/** Every relative link of `files` (paths under `root`) that does not resolve, as `file: target (why)`. */
function brokenLinks(root: string, files: readonly string[]): string[] {
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (file: string): Set<string> => {
    let found = anchorsOf.get(file);
    if (found === undefined) {
      found = headingAnchors(readFileSync(file, 'utf8'));
      anchorsOf.set(file, found);
    }
    return found;
  };
  return files.flatMap((file) => {
    const source = join(root, file);
    return linkTargets(readFileSync(source, 'utf8')).flatMap((target) => {
      if (isExternal(target)) return [];
      const [path = '', anchor] = target.split('#', 2);
      const decoded = decodeURIComponent(path);
      const destination =
        decoded === '' ? source : decoded.startsWith('/') ? join(root, decoded) : resolve(dirname(source), decoded);
      if (!existsSync(destination)) return [`${file}: ${target} (no such file)`];
      if (anchor === undefined || anchor === '' || !destination.endsWith('.md')) return [];
      if (!anchors(destination).has(anchor.toLowerCase())) {
        return [`${file}: ${target} (no heading #${anchor} in ${relative(root, destination)})`];
      }
      return [];
    });
  });
}

/** The pages a reader follows links between. */
function documentationFiles(): string[] {
  const packages = readdirSync(join(REPO_ROOT, 'packages'))
    .map((name) => join('packages', name, 'README.md'))
    .filter((file) => existsSync(join(REPO_ROOT, file)));
  const docs = readdirSync(join(REPO_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name));
  return ['README.md', join('examples', 'README.md'), ...docs, ...packages];
}

describe('links between the docs', () => {
  it('every relative link in the README, docs/ and the package READMEs resolves, anchors included', () => {
    const files = documentationFiles();
    assert.ok(files.length > 10, `found the docs: ${files.join(', ')}`);
    assert.deepEqual(brokenLinks(REPO_ROOT, files), []);
  });

  it('reports a link to a missing file, a missing heading, and nothing else', () => {
    const root = mkdtempSync(join(tmpdir(), 'tollgate-links-'));
    try {
      writeFileSync(
        join(root, 'guide.md'),
        [
          '# Guide',
          '## Setting it up: `tollgate start`',
          '## Setting it up: `tollgate start`',
          '```sh',
          '# Not a heading',
          '```',
        ].join('\n'),
      );
      writeFileSync(
        join(root, 'README.md'),
        [
          'See [the guide](guide.md), [set-up](guide.md#setting-it-up-tollgate-start) and',
          '[again](guide.md#setting-it-up-tollgate-start-1), [top](#readme), [the site](https://example.com),',
          '[gone](missing.md), [no such part](guide.md#not-a-heading) and `[code](ignored.md)`.',
          '# Readme',
        ].join('\n'),
      );
      assert.deepEqual(brokenLinks(root, ['README.md']), [
        'README.md: missing.md (no such file)',
        'README.md: guide.md#not-a-heading (no heading #not-a-heading in guide.md)',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
