export {
  formErrors,
  fieldErrorsOf,
  formBody,
  signedIn,
  callerOf,
  safeNext,
  type FormErrors,
} from './forms.js';
export { translate, registerMessages, en as messages } from './messages.js';
export { SESSION_COOKIE, CSRF_COOKIE, cookieOptions } from './cookies.js';
export { isApiRequest } from './error-handling.js';
