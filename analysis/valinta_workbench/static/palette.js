// Colours: neutral, told apart without red against green and without meaning good or bad.
// Rule sets get blue, orange, grey and then further hues that stay apart for colour-blind readers;
// maps get a single-hue blue scale for values and blue - light grey - orange for differences.

export const SCENARIO_COLOURS = ['#1f5fa8', '#d9730d', '#6b6f76', '#7b4fa0', '#2a8fa0', '#8c5a2b'];

export function scenarioColour(index) {
  return SCENARIO_COLOURS[index % SCENARIO_COLOURS.length];
}

// Light to dark blue (sequential).
const SEQUENTIAL = ['#eef3fa', '#c6d9ef', '#94bade', '#5a95c8', '#2f6fae', '#164f8a', '#0b335e'];
// Blue through a neutral light grey to orange (diverging; negative is blue).
const DIVERGING = ['#1f5fa8', '#6a99cf', '#b3cbe6', '#efefef', '#f6c89a', '#e89545', '#b85a06'];

export const NO_VALUE = '#e3e4e6';

function hexToRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function mix(stops, position) {
  const p = Math.max(0, Math.min(1, position)) * (stops.length - 1);
  const k = Math.min(stops.length - 2, Math.floor(p));
  const f = p - k;
  const a = hexToRgb(stops[k]);
  const b = hexToRgb(stops[k + 1]);
  const c = a.map((v, i) => Math.round(v + (b[i] - v) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** The colour of a value on a scale: {kind: 'sequential', min, max} or {kind: 'diverging', max}. */
export function scaleColour(scale, value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  if (scale.kind === 'diverging') {
    if (!(scale.max > 0)) return mix(DIVERGING, 0.5);
    return mix(DIVERGING, 0.5 + value / (2 * scale.max));
  }
  if (!(scale.max > scale.min)) return mix(SEQUENTIAL, 0.6);
  return mix(SEQUENTIAL, (value - scale.min) / (scale.max - scale.min));
}

/** Colour stops of a scale for a legend's gradient. */
export function scaleStops(scale) {
  return scale.kind === 'diverging' ? DIVERGING : SEQUENTIAL;
}
