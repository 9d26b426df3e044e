import fs from 'node:fs';
import path from 'node:path';
import type { ParserOptions } from 'prettier';
import { parsers } from 'prettier/plugins/markdown';

/**
 * Relative links in the repository's Markdown that lead nowhere: a missing file, or a `#fragment` that no
 * heading (or explicit anchor) of the target Markdown file has. Prettier's own Markdown parser (remark) reads the
 * files, so links in code blocks and code spans are not links, and reference definitions are.
 */

export interface BrokenLink {
  /** `file:line`, relative to the repository. */
  where: string;
  url: string;
  problem: string;
}

interface MdNode {
  type: string;
  url?: string;
  value?: string;
  children?: MdNode[];
  position?: { start: { line: number } };
}

const SKIPPED_DIRS = new Set(['node_modules', 'bench/results']);

export function markdownFiles(repoDir: string, dir = ''): string[] {
  return fs.readdirSync(path.join(repoDir, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.name.startsWith('.') || SKIPPED_DIRS.has(relative) || entry.name === 'node_modules') return [];
    if (entry.isDirectory()) return markdownFiles(repoDir, relative);
    return entry.name.endsWith('.md') ? [relative] : [];
  });
}

async function parse(text: string): Promise<MdNode> {
  // The Markdown parser reads no options.
  return (await parsers.markdown.parse(text, {} as ParserOptions)) as MdNode;
}

function walk(node: MdNode, visit: (node: MdNode) => void): void {
  visit(node);
  node.children?.forEach((child) => walk(child, visit));
}

function textOf(node: MdNode): string {
  return node.value ?? node.children?.map(textOf).join('') ?? '';
}

/** GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens, repeats numbered -1, -2… */
function anchorsOf(root: MdNode): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  walk(root, (node) => {
    if (node.type === 'heading') {
      const slug = textOf(node)
        .toLowerCase()
        .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
        .replace(/ /g, '-');
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      anchors.add(count === 0 ? slug : `${slug}-${count}`);
    }
    if (node.type === 'html') {
      for (const match of node.value?.matchAll(/\b(?:id|name)="([^"]+)"/g) ?? []) anchors.add(match[1]);
    }
  });
  return anchors;
}

function isRelative(url: string): boolean {
  return url !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('//');
}

export async function brokenLinks(repoDir: string, files: readonly string[]): Promise<BrokenLink[]> {
  const parsed = new Map<string, MdNode>();
  const tree = async (file: string) => {
    if (!parsed.has(file)) parsed.set(file, await parse(fs.readFileSync(path.join(repoDir, file), 'utf8')));
    return parsed.get(file)!;
  };
  const broken: BrokenLink[] = [];
  for (const file of files) {
    const links: MdNode[] = [];
    walk(await tree(file), (node) => {
      if (['link', 'image', 'definition'].includes(node.type) && isRelative(node.url ?? '')) links.push(node);
    });
    for (const link of links) {
      const url = link.url!;
      const problem = await checkLink(repoDir, file, url, tree);
      if (problem) broken.push({ where: `${file}:${link.position?.start.line ?? 0}`, url, problem });
    }
  }
  return broken;
}

async function checkLink(
  repoDir: string,
  file: string,
  url: string,
  tree: (file: string) => Promise<MdNode>,
): Promise<string | undefined> {
  const [target, fragment] = url.split('#', 2);
  const decoded = decodeURIComponent(target);
  // A leading slash is the repository's root, as on GitHub.
  const targetFile =
    decoded === ''
      ? file
      : path.posix.normalize(
          decoded.startsWith('/') ? decoded.slice(1) : path.posix.join(path.posix.dirname(file), decoded),
        );
  if (targetFile.startsWith('../')) return 'leads outside the repository';
  if (!fs.existsSync(path.join(repoDir, targetFile))) return `${targetFile} does not exist`;
  if (fragment === undefined || !targetFile.endsWith('.md')) return undefined;
  const anchors = anchorsOf(await tree(targetFile));
  return anchors.has(decodeURIComponent(fragment)) ? undefined : `${targetFile} has no heading #${fragment}`;
}
