/**
 * Due-date throughput of the working-time kernel against the minute-by-minute reference model.
 *
 *   npx tsx bench/working-time.ts
 *
 * Inputs are seeded, so runs are comparable: starts anywhere in 2025–2027 on whole minutes, and up to two
 * working weeks (0–10 working days of 450 minutes) on a Europe/London Monday–Friday 09:00–17:00 calendar with
 * England and Wales bank holidays. Finishes in well under 30 seconds.
 */
import { readFileSync } from 'node:fs';
import { compileCalendar, due, type CalendarDefinition } from '../src/kernel/working-time.js';
import { referenceCalendar, referenceDue } from '../src/kernel/working-time.reference.js';

const TARGET_PER_SECOND = 500_000;
const TARGET_SPEED_UP = 1_000;
const INPUT_COUNT = 20_000;
const KERNEL_BUDGET_MS = 3_000;
const REFERENCE_BUDGET_MS = 5_000;
const SEED = 20_260_329;

interface BankHolidays {
  'england-and-wales': { events: { date: string }[] };
}

const bankHolidays = JSON.parse(
  readFileSync(new URL('../src/modules/catalogue/bank-holidays.json', import.meta.url), 'utf8'),
) as BankHolidays;

const officeHours: readonly [string, string][] = [['09:00', '17:00']];
const definition: CalendarDefinition = {
  timeZone: 'Europe/London',
  hours: {
    monday: officeHours,
    tuesday: officeHours,
    wednesday: officeHours,
    thursday: officeHours,
    friday: officeHours,
  },
  closedDates: bankHolidays['england-and-wales'].events.map((event) => event.date),
};

/** mulberry32: small, fast and good enough to spread benchmark inputs; Math.random cannot be seeded. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface DueInput {
  readonly from: Date;
  readonly workingMinutes: number;
}

function generateInputs(count: number): DueInput[] {
  const random = seededRandom(SEED);
  const firstMinute = Date.UTC(2025, 0, 1) / 60_000;
  const minutesInRange = (Date.UTC(2028, 0, 1) - Date.UTC(2025, 0, 1)) / 60_000;
  return Array.from({ length: count }, () => ({
    from: new Date((firstMinute + Math.floor(random() * minutesInRange)) * 60_000),
    workingMinutes: Math.floor(random() * (10 * 450 + 1)),
  }));
}

interface Measurement {
  readonly computations: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Due instants from the first round, by input index, for cross-checking. */
  readonly answers: readonly number[];
}

/**
 * Runs `compute` over the inputs, round after round, until the time budget is spent. The clock is read every
 * `callsPerClockCheck` calls because reading it every call would cost more than a kernel computation.
 */
function measure(
  inputs: readonly DueInput[],
  budgetMs: number,
  callsPerClockCheck: number,
  compute: (input: DueInput) => Date,
): Measurement {
  const answers: number[] = [];
  let computations = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs) {
    for (const input of inputs) {
      const answer = compute(input).getTime();
      if (computations < inputs.length) answers.push(answer);
      computations += 1;
      if (computations % callsPerClockCheck === 0 && performance.now() - started >= budgetMs) break;
    }
    elapsed = performance.now() - started;
  }
  const seconds = elapsed / 1000;
  return { computations, seconds, perSecond: computations / seconds, answers };
}

const inputs = generateInputs(INPUT_COUNT);
const calendar = compileCalendar(definition);
const reference = referenceCalendar(definition);

// One untimed pass lets the JIT settle and the offset cache fill, as it would in a long-running server.
for (const input of inputs) due(calendar, input.from, input.workingMinutes);

const kernel = measure(inputs, KERNEL_BUDGET_MS, 256, (input) =>
  due(calendar, input.from, input.workingMinutes),
);
const naive = measure(inputs, REFERENCE_BUDGET_MS, 1, (input) =>
  referenceDue(reference, input.from, input.workingMinutes),
);
const speedUp = kernel.perSecond / naive.perSecond;

// Figures for a kernel that disagrees with the reference would be moot.
const checked = naive.answers.length;
const disagreements = naive.answers.filter((answer, index) => answer !== kernel.answers[index]).length;

const count = (n: number): string => Math.round(n).toLocaleString('en-GB');
const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');
const rows: string[][] = [
  ['', 'computations', 'seconds', 'per second', 'target', ''],
  [
    'fast kernel',
    count(kernel.computations),
    kernel.seconds.toFixed(2),
    count(kernel.perSecond),
    `≥ ${count(TARGET_PER_SECOND)}/s`,
    verdict(kernel.perSecond >= TARGET_PER_SECOND),
  ],
  [
    'minute-by-minute reference',
    count(naive.computations),
    naive.seconds.toFixed(2),
    count(naive.perSecond),
    '',
    '',
  ],
  [
    'speed-up',
    '',
    '',
    `${count(speedUp)}×`,
    `≥ ${count(TARGET_SPEED_UP)}×`,
    verdict(speedUp >= TARGET_SPEED_UP),
  ],
];
const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
const line = (row: string[]): string =>
  row
    .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
    .join('   ');

console.log('Working-time due dates: Europe/London, Mon–Fri 09:00–17:00, England and Wales bank holidays');
console.log(
  `${count(INPUT_COUNT)} seeded random starts in 2025–2027, 0–4,500 working minutes each (Node ${process.version})`,
);
console.log('');
for (const row of rows) console.log(line(row).trimEnd());
console.log('');
console.log(
  `Kernel agrees with the reference on ${count(checked - disagreements)} of ${count(checked)} inputs.`,
);
if (disagreements > 0) process.exitCode = 1;
