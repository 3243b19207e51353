/** What the joint committee's tests share: seats and meetings in the API's shape. */

/** A member and substitute for an organisation from a date, named after it so that tests can tell them apart. */
export function seat(organisation: string, effectiveFrom: string, suffix = '') {
  return {
    organisation,
    effectiveFrom,
    memberName: `${organisation} Member${suffix}`,
    memberJobTitle: 'Chief Executive',
    memberEmail: `member${suffix.trim().toLowerCase()}@${organisation.toLowerCase()}.example`,
    substituteName: `${organisation} Substitute${suffix}`,
    substituteJobTitle: 'Director of Resources',
  };
}

export const MEETING = {
  heldOn: '2026-03-10',
  title: 'Joint committee, spring meeting',
  location: 'County Hall',
};
