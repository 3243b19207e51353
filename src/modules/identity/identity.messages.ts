import { registerMessages } from '../../platform/web/index.js';

/** The identity module's own words, under `identity` in the message catalogue. */
export const identityMessages = {
  roles: {
    /** Beside each host-only role on the form that gives roles. */
    hostOnlyHint: 'Host organisation only',
    /** One per host-only role, so that the error names the role that was refused. */
    hostOnly: {
      platform_administrator: 'Platform administrator can be given only in the host organisation',
      service_manager: 'Service manager can be given only in the host organisation',
      agent: 'Agent can be given only in the host organisation',
      team_lead: 'Team lead can be given only in the host organisation',
      finance_officer: 'Finance officer can be given only in the host organisation',
      executive: 'Executive can be given only in the host organisation',
    },
    hostOnlyAny:
      'Platform administrator, service manager, agent, team lead, finance officer and executive can be given only in the host organisation',
    hostRolesHeld:
      'People here hold roles that only the host organisation can give. Remove those roles before making it a partner',
  },
  sessions: {
    nav: 'Your sessions',
    title: 'Your sessions',
    intro:
      'You are signed in to Tandem in these places. End any session you do not recognise or no longer use.',
    caption: 'Sessions where you are signed in',
    browser: 'Browser',
    signedIn: 'Signed in',
    lastActive: 'Last active',
    action: 'Action',
    current: 'This session',
    end: 'End session',
    endHidden: 'started {signedIn}',
    signOut: 'Sign out',
    ended: 'Session ended. That browser is signed out',
    browserOnSystem: '{browser} on {system}',
    unknownBrowser: 'Unknown browser',
    tokensLink: 'API tokens',
    sessionsLink: 'Your sessions',
  },
};

registerMessages('identity', identityMessages);
