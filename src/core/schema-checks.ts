/**
 * The JSON Schema keywords whose meaning zod's built-ins do not match, for the schemas generated
 * from the contract (`src/generated/schemas.ts`), which are their only user:
 *
 * - string lengths count code points, as JSON Schema does (zod's `.max()` counts UTF-16 units, so
 *   a title of 255 emoji the API accepts would fail);
 * - the formats mean what ajv-formats' full mode checks, the validator the server's contract tests
 *   run (zod's own `z.uuid()` demands a version digit, its `z.email()` refuses addresses the
 *   contract allows): the SDK then accepts exactly what the server is tested to send;
 * - `uniqueItems` (deep equality) and `minProperties`/`maxProperties`, which zod has no check for.
 *
 * Loaded only with the schemas, when response validation is on.
 */
import * as z from 'zod';

/** A string's length as JSON Schema counts it: code points, a lone surrogate counting as one. */
export function codePoints(text: string): number {
  let count = 0;
  for (let at = 0; at < text.length; at += 1) {
    count += 1;
    const unit = text.charCodeAt(at);
    if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(at + 1) & 0xfc00) === 0xdc00) at += 1;
  }
  return count;
}

/** `minLength`, in code points. */
export const minLength = (minimum: number) =>
  z.check<string>((ctx) => {
    if (codePoints(ctx.value) < minimum) {
      ctx.issues.push({ code: 'too_small', origin: 'string', minimum, inclusive: true, input: ctx.value, message: `Too small: expected string to have >=${minimum} characters` });
    }
  });

/** `maxLength`, in code points. */
export const maxLength = (maximum: number) =>
  z.check<string>((ctx) => {
    if (codePoints(ctx.value) > maximum) {
      ctx.issues.push({ code: 'too_big', origin: 'string', maximum, inclusive: true, input: ctx.value, message: `Too big: expected string to have <=${maximum} characters` });
    }
  });

/** `minProperties`. */
export const minProperties = (minimum: number) =>
  z.check<Record<string, unknown>>((ctx) => {
    if (Object.keys(ctx.value).length < minimum) {
      ctx.issues.push({ code: 'custom', input: ctx.value, message: `Too small: expected object to have >=${minimum} properties` });
    }
  });

/** `maxProperties`. */
export const maxProperties = (maximum: number) =>
  z.check<Record<string, unknown>>((ctx) => {
    if (Object.keys(ctx.value).length > maximum) {
      ctx.issues.push({ code: 'custom', input: ctx.value, message: `Too big: expected object to have <=${maximum} properties` });
    }
  });

/** `uniqueItems: true`: no two items equal as JSON values (the message names positions, not values). */
export const uniqueItems = () =>
  z.check<unknown[]>((ctx) => {
    const items = ctx.value;
    for (let j = 1; j < items.length; j += 1) {
      for (let i = 0; i < j; i += 1) {
        if (jsonEqual(items[i], items[j])) {
          ctx.issues.push({ code: 'custom', input: items, message: `Items must be unique: items ${i} and ${j} are equal` });
          return;
        }
      }
    }
  });

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  const aKeys = Object.keys(a);
  const bRecord = b as Record<string, unknown>;
  return aKeys.length === Object.keys(b).length && aKeys.every((key) => Object.hasOwn(b, key) && jsonEqual((a as Record<string, unknown>)[key], bRecord[key]));
}

/** `format: uuid`. */
export const uuid = () => z.stringFormat('uuid', /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i);

/** `format: email`. */
export const email = () =>
  z.stringFormat('email', /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i);

/** `format: date` (RFC 3339 full-date: a day that exists). */
export const date = () => z.stringFormat('date', isDate);

/** `format: date-time` (RFC 3339: a time zone is required). */
export const dateTime = () => z.stringFormat('date-time', isDateTime);

/** `format: uri` (RFC 3986, absolute). */
export const uri = () => z.stringFormat('uri', (text) => NOT_URI_FRAGMENT.test(text) && URI.test(text));

const DATE = /^(\d\d\d\d)-(\d\d)-(\d\d)$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && leap ? 29 : DAYS[month]!);
}

const TIME = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)?$/i;

function isTime(text: string): boolean {
  const match = TIME.exec(text);
  if (!match) return false;
  const [hour, minute, second] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const sign = match[5] === '-' ? -1 : 1;
  const [zoneHour, zoneMinute] = [Number(match[6] ?? 0), Number(match[7] ?? 0)];
  if (match[4] === undefined || zoneHour > 23 || zoneMinute > 59) return false;
  if (hour <= 23 && minute <= 59 && second < 60) return true;
  // A leap second is 23:59:60 in UTC.
  const utcMinute = minute - zoneMinute * sign;
  const utcHour = hour - zoneHour * sign - (utcMinute < 0 ? 1 : 0);
  return (utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1) && second < 61;
}

function isDateTime(text: string): boolean {
  const parts = text.split(/t|\s/i);
  return parts.length === 2 && isDate(parts[0]!) && isTime(parts[1]!);
}

const NOT_URI_FRAGMENT = /\/|:/;
// From ajv-formats (MIT), after http://jmrware.com/articles/2009/uri_regexp/URI_regex.html.
const URI =
  /^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\?(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$/i;
