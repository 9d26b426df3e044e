import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generatedDocuments, REPOSITORY_ROOT } from './generated-documents';

/** `npm run contract:generate`: writes the JSON Schemas and OpenAPI documents under docs/contract from the code. */

async function main(): Promise<void> {
  for (const document of await generatedDocuments()) {
    const file = path.join(REPOSITORY_ROOT, document.path);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, document.text);
    console.log(`wrote ${document.path}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
