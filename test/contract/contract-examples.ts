import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The examples docs/contract.md shows, each marked for what it is an example of:
 * `<!-- example: kafka/<message> -->` or `<!-- example: http/<service-deletion|registry|deletion-api>/<Component> -->`,
 * followed by a json code block.
 */

export const CONTRACT_MARKDOWN = path.join(__dirname, '..', '..', 'docs', 'contract.md');

export interface ContractExample {
  /** `kafka/<message>` or `http/<document>/<Component>`. */
  of: string;
  value: unknown;
}

const EXAMPLE = /<!-- example: (\S+) -->\s*```json\n([\s\S]*?)\n```/g;

export function contractExamples(markdown = readFileSync(CONTRACT_MARKDOWN, 'utf8')): ContractExample[] {
  return [...markdown.matchAll(EXAMPLE)].map(([, of, json]) => ({ of, value: JSON.parse(json) }));
}
