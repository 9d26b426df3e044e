import fs from 'node:fs';
import path from 'node:path';
import * as markdown from 'prettier/plugins/markdown';
import { format } from 'prettier/standalone';
import { CONFIG_SOURCES } from './config-sources';
import { configurationTables } from './config-tables';
import { withGeneratedBlock } from './generated-block';

const repoDir = path.resolve(__dirname, '../..');
export const CONFIGURATION_DOC = 'docs/configuration.md';

/**
 * docs/configuration.md as it should read: its prose, with the tables regenerated from the schemas and formatted
 * as `prettier --check` wants them. Prettier's standalone build, because its main entry loads plugins through a
 * dynamic import() that Jest cannot run.
 */
export async function renderConfigurationDoc(): Promise<string> {
  const current = fs.readFileSync(path.join(repoDir, CONFIGURATION_DOC), 'utf8');
  const text = withGeneratedBlock(current, CONFIGURATION_DOC, configurationTables(CONFIG_SOURCES));
  const options = JSON.parse(fs.readFileSync(path.join(repoDir, '.prettierrc.json'), 'utf8'));
  return format(text, { ...options, parser: 'markdown', plugins: [markdown] });
}

export function writeConfigurationDoc(text: string): void {
  fs.writeFileSync(path.join(repoDir, CONFIGURATION_DOC), text);
}
