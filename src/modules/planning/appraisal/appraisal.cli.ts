import fs from 'node:fs';
import { appraise } from '../../../kernel/appraisal.js';
import { readCase } from './appraisal.input.js';

/** What `tandem appraise` needs from where it runs: somewhere to print results, and to print problems. */
export interface AppraiseIo {
  out(line: string): void;
  err(line: string): void;
}

export const APPRAISE_USAGE = `  appraise FILE.json            Appraise a business case in the API's shape (or - for standard input)
                                and print the results as JSON; opens no database`;

/**
 * `tandem appraise FILE.json`: reads a case in the API's shape, checks it as the API does and prints
 * the appraisal as JSON: per option the present values, NPSV, NPSV against business as usual,
 * benefit–cost ratio and payback year, then the preferred option's switching values. A file that
 * cannot be read or is not a sound case prints its problems, one a line, and exits 1. No database is
 * opened: the appraisal is arithmetic on the file alone.
 */
export async function appraiseCommand(
  args: string[],
  io: AppraiseIo,
  readStdin: () => Promise<string> = async () => fs.readFileSync(0, 'utf8'),
): Promise<number> {
  if (args.length !== 1 || !args[0]) {
    io.err('tandem appraise: name one case file: tandem appraise FILE.json');
    return 2;
  }
  const file = args[0];
  let text: string;
  try {
    text = file === '-' ? await readStdin() : fs.readFileSync(file, 'utf8');
  } catch (error) {
    io.err(`tandem appraise: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    return 1;
  }
  let body: unknown;
  try {
    body = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    io.err(`tandem appraise: ${file} is not valid JSON: ${(error as Error).message}`);
    return 1;
  }
  const read = readCase(body);
  if (read.errors) {
    io.err(`tandem appraise: ${file} is not a business case Tandem can appraise:`);
    for (const [path, problem] of Object.entries(read.errors)) io.err(`  ${path}: ${problem}`);
    return 1;
  }
  const results = appraise(read.value);
  io.out(
    JSON.stringify(
      {
        title: read.value.title,
        baseYear: read.value.baseYear,
        horizonYears: read.value.horizonYears,
        preferred: results.preferred,
        options: results.options,
        switchingValues: results.switchingValues,
      },
      null,
      2,
    ),
  );
  return 0;
}
