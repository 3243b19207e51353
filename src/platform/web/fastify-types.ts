import type { FastifyReply } from 'fastify';
import type { Principal } from '../auth/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person, or null. Set before any handler runs. */
    principal: Principal | null;
    cspNonce: string;
    csrfToken: string;
  }
  interface FastifyInstance {
    /** Gives the browser a new CSRF secret (at sign-in, so a token seen before cannot be reused). */
    rotateCsrf(request: FastifyRequest, reply: FastifyReply): void;
  }
}
