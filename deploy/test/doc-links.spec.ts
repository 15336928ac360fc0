import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

// The docs send readers to other pages, to sections of them and to files of the repository. A
// page renamed, a heading reworded or a file moved leaves a link that leads nowhere, and nothing
// else notices: this checks every relative link, every #anchor and every repository path the
// markdown files that git tracks name.
const root = fileURLToPath(new URL('../../', import.meta.url));

const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((path) => path.length > 0);
const markdownFiles = tracked.filter((path) => path.endsWith('.md'));
/** The repository's top-level directories: a backticked path under one names a repository file. */
const topDirectories = new Set(
  tracked.filter((path) => path.includes('/')).map((path) => path.split('/')[0]),
);

/** The text outside fenced code blocks, where markdown links and headings are. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const anchorCache = new Map<string, Set<string>>();
/** Every anchor a markdown file has: its headings' (numbered when repeated) and its named ones. */
function anchorsOf(file: string): Set<string> {
  const cached = anchorCache.get(file);
  if (cached !== undefined) return cached;
  const text = prose(readFileSync(file, 'utf8'));
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading = ''] of text.matchAll(/^#{1,6}[ \t]+(.*?)[ \t#]*$/gm)) {
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const [, name = ''] of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(name);
  anchorCache.set(file, anchors);
  return anchors;
}

/** Where each relative link of a markdown file leads, and what is wrong with it, if anything. */
function brokenLinks(path: string): string[] {
  const file = join(root, path);
  const text = prose(readFileSync(file, 'utf8'));
  const broken: string[] = [];
  for (const [, target = ''] of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: and the like
    const [linkPath = '', anchor] = target.split('#');
    const destination = linkPath === '' ? file : resolve(dirname(file), linkPath);
    if (!existsSync(destination)) {
      broken.push(`${path}: (${target}) leads to no file`);
    } else if (
      anchor !== undefined &&
      destination.endsWith('.md') &&
      statSync(destination).isFile() &&
      !anchorsOf(destination).has(anchor)
    ) {
      broken.push(`${path}: (${target}) names no heading of ${relative(root, destination)}`);
    }
  }
  return broken;
}

/**
 * Paths written as code that name no file: one under a top-level directory of the repository
 * (`libs/service/src/node-flags.ts`), or a page (`*.md`) from the repository's root or the
 * file's own directory. Other paths (`/etc/switchyard/switchyard.yaml`, a user's
 * `./switchyard.yaml`) are not the repository's.
 */
function missingPaths(path: string): string[] {
  const text = readFileSync(join(root, path), 'utf8');
  const missing: string[] = [];
  for (const [, candidate = ''] of text.matchAll(/`([A-Za-z0-9_.@-]+\/[A-Za-z0-9_.@/-]*)`/g)) {
    const inRepository = topDirectories.has(candidate.split('/')[0] ?? '');
    // Build output (`dist/`) exists only after a build; everything else is in the clone.
    if (/(^|\/)dist(\/|$)/.test(candidate) || (!inRepository && !candidate.endsWith('.md'))) {
      continue;
    }
    const places = inRepository ? [root] : [root, dirname(join(root, path))];
    if (!places.some((place) => existsSync(join(place, candidate)))) {
      missing.push(`${path}: \`${candidate}\` is no file of the repository`);
    }
  }
  return missing;
}

describe('the markdown files', () => {
  it('are found', () => {
    expect(markdownFiles).toEqual(expect.arrayContaining(['README.md', 'docs/protocol.md']));
  });

  it('link only to files and headings that exist', () => {
    expect(markdownFiles.flatMap(brokenLinks)).toEqual([]);
  });

  it('name only repository paths that exist', () => {
    expect(markdownFiles.flatMap(missingPaths)).toEqual([]);
  });
});
