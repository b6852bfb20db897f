// Numbers, dates and units for the chosen language: Intl.NumberFormat and Intl.DateTimeFormat
// (Finnish and Swedish write a decimal comma) and the engine's units translated where known.

import { currentLanguage, t } from './i18n.js';

const NBSP = '\u00a0';
const cache = new Map();

function numberFormat(decimals, signed) {
  const key = `${currentLanguage()}|${decimals}|${signed}`;
  if (!cache.has(key)) {
    cache.set(key, new Intl.NumberFormat(currentLanguage(), {
      minimumFractionDigits: decimals, maximumFractionDigits: decimals,
      signDisplay: signed ? 'exceptZero' : 'auto'}));
  }
  return cache.get(key);
}

/** Decimals that show about three significant digits of the largest of the values. */
export function decimalsFor(...values) {
  const finite = values.flat().filter((v) => typeof v === 'number' && Number.isFinite(v));
  const largest = Math.max(0, ...finite.map(Math.abs));
  if (largest === 0) return 0;
  return Math.min(6, Math.max(0, 2 - Math.floor(Math.log10(largest))));
}

/** A number in the page's language; null or NaN read "n/a". */
export function formatNumber(value, {decimals, signed = false} = {}) {
  if (value === null || value === undefined || !Number.isFinite(Number(value))) return t('value.na');
  const d = decimals ?? decimalsFor(Number(value));
  // A value that rounds to zero is written 0, never -0.
  const v = Number(Number(value).toFixed(d)) === 0 ? 0 : Number(value);
  return numberFormat(d, signed).format(v);
}

/** A plain value of any kind (number, true/false, list, text) for reading. */
export function formatValue(value) {
  if (value === null || value === undefined || value === '') return t('value.empty');
  if (typeof value === 'boolean') return value ? t('value.yes') : t('value.no');
  if (typeof value === 'number') return formatNumber(value, {decimals: Math.min(6, decimalsOf(value))});
  if (Array.isArray(value)) return `[${value.map(formatValue).join('; ')}]`;
  return String(value);
}

function decimalsOf(value) {
  const text = String(value);
  if (/e/i.test(text)) return 6;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Units as the engine names them, in the page's language where a translation is known. */
export function unitText(units) {
  if (units === null || units === undefined) return '';
  const text = String(units).trim();
  if (text === '' || text === '1') return '';
  const known = t(`unit.${text}`, {}, null);
  return known ?? text;
}

/** A number's text with its unit after it (a no-break space between; no unit: the number). */
export function appendUnit(text, unit) {
  return unit ? `${text}${NBSP}${unit}` : text;
}

/** Whether a series or map variable holds shares (fractions, shown in per cent). */
export function isShareSeries(name, units) {
  return String(units) === '1' && /share|continuity/.test(String(name));
}

const dateFormats = new Map();

function dateFormat(style) {
  const key = `${currentLanguage()}|${style}`;
  if (!dateFormats.has(key)) {
    const options = {
      day: {year: 'numeric', month: 'short', day: 'numeric'},
      month: {year: 'numeric', month: 'short'},
      monthOnly: {month: 'short'},
      year: {year: 'numeric'},
    }[style];
    dateFormats.set(key, new Intl.DateTimeFormat(currentLanguage(), {...options, timeZone: 'UTC'}));
  }
  return dateFormats.get(key);
}

/** An ISO date (YYYY-MM-DD) or a time in ms in the page's language. */
export function formatDate(value, style = 'day') {
  const time = typeof value === 'number' ? value : Date.parse(`${String(value).slice(0, 10)}T00:00:00Z`);
  if (!Number.isFinite(time)) return String(value);
  return dateFormat(style).format(new Date(time));
}

export function parseDate(iso) {
  return Date.parse(`${String(iso).slice(0, 10)}T00:00:00Z`);
}

/** A count of seconds as "12 s" or "3 min 20 s". */
export function formatSeconds(seconds) {
  if (!Number.isFinite(seconds)) return '';
  const s = Math.round(seconds);
  if (s < 60) return t('time.seconds', {s: formatNumber(s, {decimals: 0})});
  return t('time.minutes', {m: Math.floor(s / 60), s: s % 60});
}
