import { registerMessages } from '../../platform/web/index.js';
import { appraisalPages } from './appraisal/appraisal.messages.js';
import { savingsMessages } from './savings/savings.messages.js';
import { whatIfMessages } from './what-if/what-if.messages.js';

/** The words of planning (business cases, the savings ledger, what-if), under `planning`. */
export const planningMessages = {
  categories: {
    capital: 'capital cost',
    operating: 'operating cost',
    one_off: 'one-off cost',
    cashable: 'cashable benefit',
    non_cashable: 'non-cashable benefit',
    cost: 'cost',
    benefit: 'benefit',
  },
  categoryHeadings: {
    capital: 'Capital',
    operating: 'Operating',
    one_off: 'One-off',
    cashable: 'Cashable',
    non_cashable: 'Non-cashable',
  },
  kinds: { business_as_usual: 'Business as usual', do_minimum: 'Do minimum', other: 'Other option' },
  statuses: { draft: 'Draft', approved: 'Approved' },
  sections: {
    strategic: 'Strategic case',
    economic: 'Economic case',
    commercial: 'Commercial case',
    financial: 'Financial case',
    management: 'Management case',
  },
  sectionHints: {
    strategic: 'The case for change: why share this service, and what it must achieve',
    economic: 'The options considered and why the preferred option gives the best value',
    commercial: 'How the service will be procured or provided, and the risks each party carries',
    financial: 'Affordability: what it costs each partner, and how it will be funded',
    management: 'How it will be delivered: governance, milestones, benefits realisation',
  },
  words: {
    option: 'option {code}',
    optionNumber: 'option number {number}',
    flowInYear: 'Year {year} {what} for {option}',
    flowNumber: '{What} number {number} for {option}',
  },
  errors: {
    caseShape: 'Send a business case as a JSON object',
    unknownField: 'is not a known field',
    title: 'Enter a title for the business case',
    titleLong: 'The title must be 200 characters or fewer',
    baseYear: 'Enter the base year as a financial year, such as 2026-27',
    horizon: 'Enter a horizon of 1 to 100 years',
    optionsList: 'Enter the shortlist: from 1 to {most} options',
    optionShape: 'Give {option} as an object with a code, name, kind and cash flows',
    optionCode: 'The code of {option} must be 1 to 16 letters, digits, hyphens or underscores, such as BAU',
    optionName: 'The name of {option} must be 200 characters or fewer',
    optionKind: 'The kind of {option} must be business as usual, do minimum or other',
    optionPreferred: 'Whether {option} is preferred must be true or false',
    codeTwice: 'Option code {code} is used twice: give each option its own code',
    costsList: 'The costs of {option} must be a list of at most {most}',
    benefitsList: 'The benefits of {option} must be a list of at most {most}',
    flowShape: '{name} must have a category, a year and an amount',
    costCategory: '{name} must be a capital, operating or one-off cost',
    benefitCategory: '{name} must be a cashable or non-cashable benefit',
    flowYear: '{name} must be in a whole year from 0 (the base year) to {horizon}, the end of the horizon',
    amount: {
      negative: '{name} must not be negative: enter an amount of zero or more in pounds and pence',
      notText: '{name} must be written as text in pounds and pence, such as "1200000.00"',
      format: '{name} must be an amount in pounds and pence, such as 1200000.00',
    },
    biasShape:
      'Give the optimism bias of {option} by category of cost, each with an upper bound and a mitigation',
    biasCategory: 'Optimism bias of {option} applies to capital, operating or one-off costs only',
    biasUpper:
      'The optimism bias upper bound for the {what} of {option} must be a number from 0 to 10 (1,000%), such as 0.66',
    biasMitigation:
      'The mitigation of optimism bias for the {what} of {option} must be a number from 0 to 1, such as 0.5',
    biasReason:
      'The reason for the optimism bias on the {what} of {option} must be 2,000 characters or fewer',
    discountRates:
      'The discount rates must run from year 1 without gaps or overlaps, each a rate such as "0.035", the last band open-ended (to: null)',
    sectionsShape:
      'Give the sections as text by name: strategic, economic, commercial, financial, management',
    section: 'The {section} must be text of {most} characters or fewer',
    savingsList: 'Planned savings must be a list of at most {most}',
    savingShape: 'Planned saving {number} must have an organisation, a service line, a year and an amount',
    savingOrganisation: 'Enter the organisation of planned saving {number}, by its code',
    savingLine: 'Enter the service line of planned saving {number}, by its code',
    savingYear: 'Planned saving {number} must be in a financial year from {first} to {last}, such as {first}',
    savingAmount: {
      negative: 'Planned saving {number} must not be negative: enter an amount of zero or more',
      notText: 'Planned saving {number} must be written as text in pounds and pence, such as "120000.00"',
      format: 'Planned saving {number} must be an amount in pounds and pence, such as 120000.00',
    },
    savingTwice: 'Planned saving {number} repeats {organisation}, {line}, {year}: give each once',
    savingOrganisationUnknown:
      'Planned saving {number} names {organisation}, which is not a partner of yours',
    savingLineUnknown: 'Planned saving {number} names service line {line}, which is not one of yours',
  },
  nav: { cases: 'Business cases', savings: 'Savings ledger', whatIf: 'What if' },
  home: {
    savings: {
      title: 'Savings ledger',
      description:
        'Savings planned against achieved, for the partnership, each partner and each service line',
    },
    cases: {
      title: 'Business cases',
      description: 'Options appraisals after the Green Book: build, read and approve the case for sharing',
    },
    whatIf: {
      title: 'What if a new partner joins?',
      description:
        'A prospective partner’s volumes, the new unit cost and each partner’s charge before and after',
    },
  },
  savings: savingsMessages,
  whatIf: whatIfMessages,
  pages: appraisalPages,
} as const;

registerMessages('planning', planningMessages);
