/**
 * The words Tandem shows, English first. Pages and code take words from here by key, so that a
 * second language (Welsh) is a second catalogue of the same shape, not a search through templates.
 */
export const en = {
  service: { name: 'Tandem', tagline: 'Shared services for public bodies' },
  nav: {
    home: 'Home',
    organisations: 'Organisations',
    users: 'Users',
    tokens: 'API tokens',
    signOut: 'Sign out',
    signIn: 'Sign in',
  },
  org: { current: 'Organisation', switch: 'Switch organisation', switchTo: 'Switch to' },
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
    rolesHeading: 'Your roles here',
    whatYouCanDo: 'What you can do',
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
  roleAbilities: {
    requester: 'Raise requests for services and follow their progress',
    partner_manager: "See all of your organisation's requests, approvals and monthly statements",
    agent: 'Work the queue of requests from partners',
    team_lead: "Oversee your team's queue and performance",
    service_manager: 'Maintain the catalogue of your service line',
    finance_officer: 'Run recharges and issue statements',
    executive: 'Follow the business case and savings',
    platform_administrator: 'Manage organisations, users and their roles',
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

export type Messages = typeof en;

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
