/**
 * What a session's browser is, told from its User-Agent header well enough for a person to
 * recognise their own sessions ("Firefox on Windows"). Only a hint: the header is whatever the
 * client chose to send.
 */

/** Tested in order: several browsers name the ones they are built on too. */
const BROWSERS: Array<[RegExp, string]> = [
  [/\bEdg(e|A|iOS)?\//, 'Microsoft Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bChrome\/|\bCriOS\/|\bChromium\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];

const SYSTEMS: Array<[RegExp, string]> = [
  [/\bWindows\b/, 'Windows'],
  [/\biPhone\b|\biPad\b|\biPod\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

export interface BrowserDescription {
  browser?: string;
  system?: string;
}

export function describeBrowser(userAgent: string | null | undefined): BrowserDescription {
  if (!userAgent) return {};
  const description: BrowserDescription = {};
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser) description.browser = browser;
  if (system) description.system = system;
  return description;
}

/** The most of a User-Agent header kept with a session (the column allows 512). */
const KEPT = 512;

/**
 * A User-Agent header as it is stored: printable ASCII only (a header may carry any byte but
 * control characters), at most 512 characters, or null when nothing is left.
 */
export function storedUserAgent(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const printable = value
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  return printable === '' ? null : printable.slice(0, KEPT);
}
