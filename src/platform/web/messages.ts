/**
 * The words Tandem shows, English first. Pages and code take words from here by key, so that a
 * second language (Welsh) is a second catalogue of the same shape, not a search through templates.
 */
export const en = {
  /** The BCP 47 tag that picks plural rules, number grouping and month names for this catalogue. */
  locale: 'en-GB',
  service: { name: 'Tandem', tagline: 'Shared services for public bodies' },
  nav: {
    home: 'Home',
    organisations: 'Organisations',
    users: 'Users',
    tokens: 'API tokens',
    signOut: 'Sign out',
    signIn: 'Sign in',
  },
  org: {
    actingFor: 'You are acting for',
    switch: 'Switch organisation',
    switchTo: 'Switch to another organisation',
    switched: 'You are now acting for {organisation}',
  },
  common: {
    save: 'Save',
    saveChanges: 'Save changes',
    cancel: 'Cancel',
    change: 'Change',
    view: 'View',
    errorSummary: 'There is a problem',
    yes: 'Yes',
    no: 'No',
    none: 'None',
    back: 'Back',
    success: 'Success',
    warning: 'Warning',
  },
  /**
   * Words for numbers, amounts and times. An entry with plural forms is keyed by the categories of
   * `Intl.PluralRules` for the catalogue's locale (English: one, other; Welsh also zero, two, few,
   * many), and `other` is the fallback.
   */
  format: {
    hours: { one: '{count} hour', other: '{count} hours' },
    minutes: { one: '{count} minute', other: '{count} minutes' },
    hoursAndMinutes: '{hours} {minutes}',
    workingDays: { one: '{count} working day', other: '{count} working days' },
    money: '£{amount}',
    moneyNegative: '-£{amount}',
    dateAtTime: '{date} at {time}',
    /** A time on the 12-hour clock, "4:00pm"; `{period}` is `am` or `pm`. */
    time: '{hour}:{minute}{period}',
    am: 'am',
    pm: 'pm',
    midday: 'midday',
    midnight: 'midnight',
  },
  /** The GOV.UK date input (and its hour and minute), and what is said when it is filled in wrongly. */
  dateInput: {
    day: 'Day',
    month: 'Month',
    year: 'Year',
    hour: 'Hour',
    minute: 'Minute',
    dateHint: 'For example, 27 3 2026',
    dateTimeHint: 'For example, 27 3 2026, then 16 and 30 for 4:30pm. UK time, on the 24-hour clock',
    parts: { day: 'a day', month: 'a month', year: 'a year', hour: 'an hour', minute: 'a minute' },
    /** `{name}` is what the date is, as it reads mid-sentence ("the date the price starts"); `{Name}` starts a sentence. */
    errors: {
      missing: 'Enter {name}',
      incomplete: '{Name} must include {parts}',
      notReal: '{Name} must be a real date',
      yearDigits: '{Name} must include a year with 4 numbers, for example 2026',
      yearRange: '{Name} must be in a year from {first} to {last}',
      timeNotReal: '{Name} must be a real time, from 0 to 23 hours and 0 to 59 minutes',
      timeSkipped:
        '{Name} is not a time that happens in the UK: the clocks go forward from 1am to 2am that night',
    },
  },
  signIn: {
    title: 'Sign in to Tandem',
    email: 'Email address',
    password: 'Password',
    button: 'Sign in',
    failed: 'Enter a correct email address and password',
    emailMissing: 'Enter your email address',
    passwordMissing: 'Enter your password',
    throttled: 'Too many failed attempts. Wait {minutes} minutes, then try again',
    noMemberships: 'Your account has no role in any organisation. Ask your administrator to give you one',
    expired: 'Your session has ended. Sign in again to continue',
    signedOut: 'You have signed out',
  },
  home: {
    title: 'Your work in {organisation}',
    nextHeading: 'What you can do here',
    rolesHeading: 'Your roles here',
    /** Where each person starts, by role: a page that exists, and what they do there. */
    next: {
      users: {
        title: 'Users',
        description: 'Add people, give them roles in organisations, and disable accounts.',
      },
      organisationsAdmin: {
        title: 'Organisations',
        description:
          'Add and change the organisations in the partnership, and record which service lines each partner takes.',
      },
      ownOrganisation: {
        title: 'Your organisation',
        description: 'Who has a role in {organisation}, and what it is.',
      },
      catalogueManager: {
        title: 'Your service lines',
        description:
          'Change the offerings of the service lines you manage. Each partner sees its own version of them.',
      },
      prices: {
        title: 'Prices',
        description:
          'The prices partners pay for your offerings, and new prices imported from a spreadsheet.',
      },
      pricesPartner: {
        title: 'Prices',
        description: 'What {organisation} pays for each service, including prices agreed to start later.',
      },
      pricesHost: {
        title: 'Prices',
        description: 'Every price of every service line: the standard ones and each partner’s own.',
      },
      calendars: {
        title: 'Working-time calendars',
        description: 'The working hours, bank holidays and closures that service levels are counted in.',
      },
      slaPolicies: {
        title: 'SLA policies',
        description: 'How quickly requests for each service must be answered and resolved, by priority.',
      },
      cataloguePartner: {
        title: 'Service catalogue',
        description:
          'The services {organisation} takes from the shared service centre, with their prices and service levels.',
      },
      catalogueHost: {
        title: 'Service catalogue',
        description: 'The services the shared service centre offers, and the service levels it promises.',
      },
      tokens: {
        title: 'API tokens',
        description: 'Let scripts and other systems use the Tandem API as you, within {organisation}.',
      },
    },
  },
  roles: {
    requester: 'Requester',
    partner_manager: 'Partner manager',
    agent: 'Agent',
    team_lead: 'Team lead',
    service_manager: 'Service manager',
    finance_officer: 'Finance officer',
    executive: 'Executive',
    platform_administrator: 'Platform administrator',
  },
  /** What each role can do in Tandem: nothing here may promise a page that does not exist. */
  roleAbilities: {
    requester:
      'Raise requests for the services your organisation takes and follow them; see those services with their prices and service levels',
    partner_manager:
      'Follow every request of your organisation and approve those that need it; see its prices, the service lines it takes, its usage and statements, and who has a role in it',
    agent: 'Work the queue of requests from every partner: pick up, reply, pause, resolve and record time',
    team_lead: 'Work the queue as an agent does, and assign requests to anyone in the teams you lead',
    service_manager:
      'Maintain the offerings, prices, calendars and SLA policies of the service lines you manage, and record their usage',
    finance_officer:
      'Keep charging arrangements, run and issue recharges, read every price, and build business cases and the savings ledger',
    executive: 'Read recharges, statements and business cases, and approve business cases',
    platform_administrator:
      'Manage organisations, users and their roles, and record which service lines each partner takes',
  },

  organisations: {
    title: 'Organisations',
    add: 'Add an organisation',
    edit: 'Change organisation',
    code: 'Code',
    codeHint:
      '2 to 16 capital letters, digits or hyphens, starting with a letter; used in files and web addresses',
    name: 'Name',
    role: 'Role in the partnership',
    kind: 'Kind of organisation',
    parent: 'Part of',
    parentHint: 'For a directorate of a council: the council it belongs to',
    parentNone: 'Not part of another organisation',
    division: 'Bank holidays',
    members: 'People with roles here',
    serviceLines: 'Service lines taken',
    created: 'Organisation added',
    updated: 'Organisation changed',
    errors: {
      codeMissing: 'Enter a code',
      codeFormat: 'Code must be 2 to 16 capital letters, digits or hyphens, starting with a letter',
      codeTaken: 'Another organisation already has that code',
      nameMissing: 'Enter a name',
      nameTooLong: 'Name must be 200 characters or fewer',
      roleMissing: 'Select the role in the partnership',
      kindMissing: 'Select the kind of organisation',
      divisionMissing: 'Select which bank holidays apply',
      parentUnknown: 'Select an organisation from the list',
      parentSelf: 'An organisation cannot be part of itself',
    },
  },
  orgRoles: { host: 'Host (runs the shared services)', partner: 'Partner (uses the shared services)' },
  orgKinds: {
    local_authority: 'Local authority',
    fire_and_rescue: 'Fire and rescue service',
    police: 'Police',
    health: 'Health',
    voluntary: 'Voluntary organisation',
    private: 'Private firm',
    internal_directorate: 'Internal directorate',
  },
  divisions: {
    'england-and-wales': 'England and Wales',
    scotland: 'Scotland',
    'northern-ireland': 'Northern Ireland',
  },
  users: {
    title: 'Users',
    add: 'Add a user',
    name: 'Full name',
    email: 'Email address',
    password: 'Password',
    passwordHint: 'At least 8 characters. Avoid common passwords',
    status: 'Status',
    active: 'Active',
    disabled: 'Disabled',
    disable: 'Disable user',
    enable: 'Enable user',
    rolesIn: 'Roles in {organisation}',
    memberships: 'Roles by organisation',
    addRoles: 'Give roles in an organisation',
    organisation: 'Organisation',
    roles: 'Roles',
    rolesHint: 'Select all that apply. Clear them all to remove the person from the organisation',
    created: 'User added',
    rolesSaved: 'Roles saved',
    rolesRemoved: 'Removed from the organisation: they have no roles there now',
    disabledNotice: 'User disabled and signed out everywhere',
    enabledNotice: 'User enabled',
    errors: {
      nameMissing: 'Enter the full name',
      nameTooLong: 'Name must be 200 characters or fewer',
      emailMissing: 'Enter an email address',
      emailFormat: 'Enter an email address in the correct format, like name@example.org',
      emailTaken: 'Another user already has that email address',
      passwordShort: 'Password must be 8 characters or more',
      passwordLong: 'Password must be 128 characters or fewer',
      passwordCommon: 'Choose a password that is harder to guess; that one is too common',
      organisationMissing: 'Select an organisation',
      rolesNoneToRemove:
        'Select at least one role to give them. They have no roles in that organisation, so there are none to remove',
      roleUnknown: 'Select roles from the list',
      disableSelf: 'You cannot disable your own account',
    },
  },
  tokens: {
    title: 'API tokens',
    intro: 'Tokens let scripts and other systems use the Tandem API as you, within {organisation}.',
    create: 'Create a token',
    name: 'Token name',
    nameHint: 'So you can recognise it later, for example "Payroll export"',
    expiresInDays: 'Expires after (days)',
    expiresHint: 'From 1 to 365 days',
    createdTitle: 'Token created',
    createdWarning: 'Copy this token now. You will not be able to see it again.',
    none: 'You have no tokens in this organisation.',
    revoke: 'Revoke',
    revoked: 'Revoked',
    expired: 'Expired',
    active: 'Active',
    lastUsed: 'Last used',
    expires: 'Expires',
    never: 'Never',
    revokedNotice: 'Token revoked',
    errors: {
      nameMissing: 'Enter a name for the token',
      nameTooLong: 'Name must be 100 characters or fewer',
      expiryRange: 'Enter a whole number of days from 1 to 365',
    },
  },
  accessibility: { title: 'Accessibility statement for Tandem' },
  footer: {
    heading: 'Support links',
    accessibility: 'Accessibility statement',
    api: 'API (OpenAPI document)',
  },
  errors: {
    notFoundTitle: 'Page not found',
    notFoundBody:
      'If you typed the web address, check it is correct. If you pasted it, check you copied the whole address.',
    forbiddenTitle: 'You cannot do that',
    csrfTitle: 'This form has expired',
    csrfBody: 'For your security, go back, reload the page and try again.',
    tooLargeTitle: 'What you sent is too large',
    serverTitle: 'Sorry, there is a problem with the service',
    serverBody: 'Try again later.',
    tooManyTitle: 'Too many attempts',
    badRequestTitle: 'That request could not be understood',
  },
} as const;

/** The forms of a word by plural category; `other` is required, the rest as the language needs them. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { readonly other: string };

/** A catalogue of the same shape as another, in words of its own: English's shape, any language's words. */
type Words<T> = {
  readonly [K in keyof T]: T[K] extends string
    ? string
    : T[K] extends { other: string }
      ? PluralForms
      : Words<T[K]>;
};

/** The shape every language's catalogue has: English's, with its own words (a Welsh one is a `Messages`). */
export type Messages = Words<typeof en>;

/** Sections that modules add under their own name (`catalogue.…`), so the platform imports no module. */
const sections = new Map<string, object>();

/** Adds a module's words under `section`; its keys are then `section.…`. */
export function registerMessages(section: string, messages: object): void {
  if (section in en) throw new Error(`message section "${section}" is already a core section`);
  sections.set(section, messages);
}

/** Looks up a dotted key such as "signIn.title" and fills `{name}` placeholders. */
export function translate(
  key: string,
  params: Record<string, string | number> = {},
  messages: Messages = en,
): string {
  const [section = '', ...rest] = key.split('.');
  let node: unknown = sections.get(section) ?? messages;
  for (const part of sections.has(section) ? rest : [section, ...rest]) {
    if (typeof node !== 'object' || node === null || !(part in node)) return key;
    node = (node as Record<string, unknown>)[part];
  }
  if (typeof node !== 'string') return key;
  return node.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

const pluralRules = new Map<string, Intl.PluralRules>();
const numberFormats = new Map<string, Intl.NumberFormat>();

/** A number as the catalogue's locale writes it, grouped: 1450 → "1,450". */
export function formatCount(count: number, messages: Messages = en): string {
  let format = numberFormats.get(messages.locale);
  if (!format) numberFormats.set(messages.locale, (format = new Intl.NumberFormat(messages.locale)));
  return format.format(count);
}

/**
 * Looks up the plural form of `key` that suits `count` ("format.workingDays" with 1 → "1 working
 * day", with 2 → "2 working days") and fills `{count}` and any other placeholders. The forms are
 * sub-keys named by plural category (`one`, `other`; Welsh adds `zero`, `two`, `few`, `many`);
 * `other` is used where the category has no form of its own.
 */
export function translatePlural(
  key: string,
  count: number,
  params: Record<string, string | number> = {},
  messages: Messages = en,
): string {
  let rules = pluralRules.get(messages.locale);
  if (!rules) pluralRules.set(messages.locale, (rules = new Intl.PluralRules(messages.locale)));
  const values = { ...params, count: formatCount(count, messages) };
  const form = `${key}.${rules.select(count)}`;
  const text = translate(form, values, messages);
  return text === form ? translate(`${key}.other`, values, messages) : text;
}
