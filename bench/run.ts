/**
 * Runs one benchmark by name: `npm run bench -- <name>`, or every one with no name.
 * Each benchmark is a script in this folder that prints its figures beside a baseline measured in
 * the same run, since these machines are too noisy for absolute numbers to mean much alone.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const available = fs
  .readdirSync(here)
  .filter((file) => /^[a-z][a-z-]*\.ts$/.test(file) && file !== 'run.ts')
  .map((file) => file.replace(/\.ts$/, ''))
  .sort();

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}. Available: ${available.join(', ')}`);
  process.exit(2);
}

let failed = false;
for (const name of wanted.length ? wanted : available) {
  console.log(`\n### ${name}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `${here}${name}.ts`], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
