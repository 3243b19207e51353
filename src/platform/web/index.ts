export {
  formErrors,
  fieldErrorsOf,
  formBody,
  signedIn,
  signInFirst,
  callerOf,
  safeNext,
  submitForm,
  type FormErrors,
} from './forms.js';
export { translate, translatePlural, registerMessages, en as messages } from './messages.js';
export {
  formatDate,
  formatDateTime,
  formatMoney,
  formatTime,
  formatWorkingDays,
  formatWorkingMinutes,
} from './format.js';
export {
  readDateInput,
  dateInputFrom,
  dateInputErrors,
  readDates,
  datesAndErrors,
  type DateInputField,
  type DateInputOptions,
  type WantedDate,
} from './date-input.js';
export {
  startingPointsFor,
  registerNavigation,
  type StartingPoint,
  type ModuleNavigation,
} from './navigation.js';
export {
  SESSION_COOKIE,
  CSRF_COOKIE,
  HOST_PREFIX,
  cookieOptions,
  webCookies,
  type WebCookies,
} from './cookies.js';
export { routedPath, isApiRequest, isAssetRequest, isHealthCheck } from './request-path.js';
