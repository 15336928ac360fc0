// Writes what is generated from the zod configuration schema in libs/contracts (built first by
// `npm run schema`): switchyard.schema.json for editors, and the field table of
// docs/configuration.md. Tests in libs/contracts keep both in sync.
import { readFileSync, writeFileSync } from 'node:fs';
import { configJsonSchema, configReferenceMarkdown } from '@switchyard/contracts';
import * as prettier from 'prettier';

const schemaFile = new URL('../../switchyard.schema.json', import.meta.url);
writeFileSync(schemaFile, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${schemaFile.pathname}`);

const START = '<!-- config-reference:start -->';
const END = '<!-- config-reference:end -->';
const docFile = new URL('../../docs/configuration.md', import.meta.url);
const doc = readFileSync(docFile, 'utf8');
const [before] = doc.split(START);
const after = doc.split(END)[1];
if (before === undefined || after === undefined) {
  throw new Error(`${docFile.pathname} lacks ${START} … ${END}`);
}
const text = `${before}${START}\n\n${configReferenceMarkdown()}\n\n${END}${after}`;
const options = (await prettier.resolveConfig(docFile.pathname)) ?? {};
writeFileSync(docFile, await prettier.format(text, { ...options, filepath: docFile.pathname }));
console.log(`wrote ${docFile.pathname}`);
