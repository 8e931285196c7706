// Time zone offsets for FormatJS's DateTimeFormat, which build.mjs patches to call zoneOffset. FormatJS keeps one
// four-element array per transition (some 90,000 of them for every zone up to 2099: megabytes of guest heap); here
// each zone is two typed arrays, decoded once at boot from the packed strings build.mjs wrote.
import { TZ_PERIODS, TZ_ZONES, TZ_REFERENCE_START, TZ_REFERENCE_END } from 'codeact:intl-data';

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
const digitValue = new Int8Array(128).fill(-1);
for (let i = 0; i < DIGITS.length; i++) digitValue[DIGITS.charCodeAt(i)] = i;

// [offset in seconds, in DST] of every distinct period of every zone
const periods = TZ_PERIODS.split(',').map((p) => [parseInt(p, 36) >> 1, (parseInt(p, 36) & 1) === 1]);

/** zone name -> {times: seconds since the epoch, at: index into zonePeriods from that time on, zonePeriods, yearly} */
export const zones = Object.create(null);
for (const packed of TZ_ZONES) {
  // name|period,period,...|Y (its rule repeats every year after the data ends) or N|transition count|transitions
  const [name, zonePeriods, yearly, count36, text] = packed.split('|');
  const local = zonePeriods.split(',').map((p) => periods[parseInt(p, 36)]);
  const count = parseInt(count36, 36);
  const times = new Float64Array(count + 1), at = new Uint8Array(count + 1);
  times[0] = -Infinity;
  at[0] = 0;
  // each transition: a zigzag varint of seconds since the previous one (5 bits per digit, 32 added while more
  // follow), then a one-digit varint of the period index
  let i = 0, n = 0, time = 0;
  while (i < text.length) {
    let value = 0, shift = 1, digit;
    do {
      digit = digitValue[text.charCodeAt(i++)];
      value += (digit & 31) * shift;
      shift *= 32;
    } while (digit >= 32);
    time += value % 2 === 1 ? -(value + 1) / 2 : value / 2;
    n++;
    times[n] = time;
    at[n] = digitValue[text.charCodeAt(i++)];
  }
  zones[name] = { times, at, zonePeriods: local, yearly: yearly === 'Y' };
}

const yearStart = (year) => Date.UTC(year, 0, 1) / 1000;
const calendarType = (year) => new Date(Date.UTC(year, 0, 1)).getUTCDay() * 2 + (new Date(Date.UTC(year, 1, 29)).getUTCDate() === 29 ? 1 : 0);
// for each of the 14 kinds of year (weekday of 1 January, leap or not), a year of the reference window
const referenceYears = [];
for (let year = TZ_REFERENCE_END - 1; year >= TZ_REFERENCE_START; year--) referenceYears[calendarType(year)] = year;
const REFERENCE_END_SECONDS = yearStart(TZ_REFERENCE_END);

/**
 * [offset in milliseconds, in DST] of a named zone at t (milliseconds since the epoch), as FormatJS's
 * getApplicableZoneData returns it. A zone whose rule repeats every year is looked up past its data in the year of
 * the reference window that has the same calendar (the rules say "second Sunday of March"), which build.mjs
 * checked against FormatJS's own data up to 2099; that also keeps DST past 2099, as ICU does.
 */
export function zoneOffset(t, timeZone) {
  const zone = zones[timeZone];
  if (!zone && timeZone === 'UTC') return [0, false]; // what Etc/UTC, Etc/GMT and their links canonicalize to
  if (!zone) throw new RangeError('Invalid time zone specified: ' + timeZone);
  let s = Math.floor(t / 1000);
  if (zone.yearly && s >= REFERENCE_END_SECONDS) {
    const year = new Date(s * 1000).getUTCFullYear();
    s += yearStart(referenceYears[calendarType(year)]) - yearStart(year);
  }
  const times = zone.times;
  let lo = 0, hi = times.length - 1; // the last transition at or before s
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid] <= s) lo = mid; else hi = mid - 1;
  }
  const [offset, dst] = zone.zonePeriods[zone.at[lo]];
  return [offset * 1000, dst];
}
