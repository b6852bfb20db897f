// Time series of a comparison as an SVG chart: one line per rule set (the mean over
// replications) with its 95 % band shaded, a date axis, the unit, and a tooltip with the date
// and every rule set's value under the pointer or the arrow keys.

import { api, query } from './api.js';
import { t, dimensionName, dimensionValue } from './i18n.js';
import { appendUnit, decimalsFor, formatDate, formatNumber, isShareSeries, parseDate, unitText } from './format.js';
import { state } from './state.js';
import { scenarioColour } from './palette.js';
import { el, svg, clear, byId, notify, Tooltip } from './ui.js';

const HEIGHT = 380;
const MARGIN = {left: 72, right: 24, top: 28, bottom: 40};
const PREFERRED = ['share_eligible_away_by_sector', 'wait_mean_days_all', 'n_listed_by_sector'];
// Series whose extra dimensions are picked, not summed (the server told so by what it picked).
const notSummed = new Set();

let tooltip = null;
let hoverIndex = null;
let lastWidth = 0;
let requestCounter = 0;

export function initChart() {
  tooltip = new Tooltip(byId('chart-tooltip'));
  byId('series-select').addEventListener('change', (event) => {
    state.results.seriesName = event.target.value;
    state.results.picks = {};
    renderSeriesControls();
    loadSeries();
  });
  const box = byId('chart');
  if (window.ResizeObserver) {
    new ResizeObserver(() => {
      if (box.clientWidth && Math.abs(box.clientWidth - lastWidth) > 4) drawChart();
    }).observe(box);
  }
}

function currentSeriesInfo() {
  return state.results.seriesList.find((s) => s.name === state.results.seriesName);
}

/** Fills the series picker from GET /api/series-list and chooses a first series. */
export function setSeriesList(list) {
  state.results.seriesList = Array.isArray(list) ? list : [];
  const names = state.results.seriesList.map((s) => s.name);
  if (!names.includes(state.results.seriesName)) {
    state.results.seriesName = PREFERRED.find((n) => names.includes(n)) || names[0] || '';
    state.results.picks = {};
  }
  renderSeriesControls();
}

function seriesOptionText(series) {
  const unit = isShareSeries(series.name, series.units) ? '%' : unitText(series.units);
  const dims = (series.dims || []).map(dimensionName).join(', ');
  return `${series.label || series.name}${unit ? ` [${unit}]` : ''}${dims ? ` · ${t('series.by', {dims})}` : ''}`;
}

export function renderSeriesControls() {
  const select = byId('series-select');
  clear(select);
  for (const series of state.results.seriesList) {
    select.append(el('option', {value: series.name, title: series.name}, seriesOptionText(series)));
  }
  select.value = state.results.seriesName;
  select.disabled = state.results.seriesList.length === 0;
  const dims = byId('series-dims');
  clear(dims);
  const info = currentSeriesInfo();
  if (!info) return;
  for (const dim of info.dims || []) {
    const labels = (info.labels && info.labels[dim]) || [];
    const id = `dim-${dim}`;
    const picker = el('select', {id, 'data-dim': dim});
    if (!notSummed.has(info.name)) picker.append(el('option', {value: ''}, t('series.all')));
    for (const label of labels) picker.append(el('option', {value: label}, dimensionValue(dim, label)));
    picker.value = state.results.picks[dim] ?? (notSummed.has(info.name) ? labels[0] ?? '' : '');
    picker.addEventListener('change', () => {
      state.results.picks = {...state.results.picks, [dim]: picker.value};
      loadSeries();
    });
    dims.append(el('div', {class: 'control'}, el('label', {for: id}, dimensionName(dim)), picker));
  }
}

/** GET /api/jobs/JOB/series for the picked series and dimensions, then draws it. */
export async function loadSeries() {
  const name = state.results.seriesName;
  const job = state.results.jobId;
  if (!name || !job) {
    state.results.series = null;
    drawChart();
    return;
  }
  const request = ++requestCounter;
  const picks = Object.fromEntries(Object.entries(state.results.picks).filter(([, v]) => v));
  byId('chart').setAttribute('aria-busy', 'true');
  try {
    const series = await api(`/api/jobs/${encodeURIComponent(job)}/series${query({name, ...picks})}`);
    if (request !== requestCounter) return;
    state.results.series = series;
    // A dimension the server picked rather than summed: show what it picked.
    const picked = series.picked || {};
    const info = currentSeriesInfo();
    if (info && Object.values(picked).some((v) => v !== 'all') &&
        Object.entries(picked).some(([dim, v]) => v !== 'all' && !state.results.picks[dim])) {
      notSummed.add(info.name);
      const chosen = Object.fromEntries(Object.entries(state.results.picks).filter(([, v]) => v));
      const serverPicked = Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== 'all'));
      state.results.picks = {...serverPicked, ...chosen};
      renderSeriesControls();
    }
  } catch (error) {
    if (request !== requestCounter) return;
    state.results.series = null;
    notify(t('error.series', {message: error.message}));
  } finally {
    if (request === requestCounter) byId('chart').removeAttribute('aria-busy');
  }
  hoverIndex = null;
  drawChart();
}

// --- scales and ticks -----------------------------------------------------------------------

function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude;
}

function valueTicks(min, max) {
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    min -= pad;
    max += pad;
  }
  const step = niceStep(max - min, 5);
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks = [];
  for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Math.round(v / step) * step);
  return {lo, hi, ticks, step};
}

function dateTicks(t0, t1, maxTicks) {
  const a = new Date(t0);
  const b = new Date(t1);
  const months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
  const every = [1, 2, 3, 6, 12, 24, 60, 120].find((k) => months / k <= maxTicks) || 120;
  const ticks = [];
  const cursor = new Date(Date.UTC(a.getUTCFullYear(), a.getUTCMonth(), 1));
  while (cursor.getTime() <= t1) {
    const monthIndex = cursor.getUTCFullYear() * 12 + cursor.getUTCMonth();
    if (cursor.getTime() >= t0 && monthIndex % every === 0) ticks.push(cursor.getTime());
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
  if (!ticks.length) ticks.push(t0);
  return {ticks, style: every >= 12 ? 'year' : 'month'};
}

function segments(points) {
  // Runs of points without gaps (a null value breaks the line).
  const runs = [];
  let run = [];
  for (const p of points) {
    if (p) run.push(p);
    else if (run.length) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length) runs.push(run);
  return runs;
}

function linePath(points) {
  return segments(points).map((run) => run.map((p, k) => `${k ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}`).join('')).join('');
}

function bandPath(lows, highs) {
  const both = lows.map((p, k) => (p && highs[k] ? [p, highs[k]] : null));
  return segments(both).map((run) => {
    const top = run.map(([, h], k) => `${k ? 'L' : 'M'}${h[0].toFixed(1)},${h[1].toFixed(1)}`).join('');
    const bottom = run.slice().reverse().map(([l]) => `L${l[0].toFixed(1)},${l[1].toFixed(1)}`).join('');
    return `${top}${bottom}Z`;
  }).join('');
}

// --- drawing ---------------------------------------------------------------------------------

function seriesScenarios(series) {
  const order = state.results.comparison?.scenarios || Object.keys(series.by_scenario || {});
  return order.filter((label) => series.by_scenario && series.by_scenario[label]);
}

function valueFormatter(series, decimals) {
  const percent = isShareSeries(series.name, series.units);
  const unit = percent ? '%' : unitText(series.units);
  return (v) => {
    if (v === null || v === undefined || !Number.isFinite(v)) return t('value.na');
    const text = formatNumber(percent ? v * 100 : v, {decimals});
    return appendUnit(text, unit);
  };
}

export function drawChart() {
  const box = byId('chart');
  const svgNode = byId('chart-svg');
  const legend = byId('chart-legend');
  const note = byId('chart-note');
  clear(svgNode);
  clear(legend);
  tooltip?.hide();
  const series = state.results.series;
  const width = Math.max(320, box.clientWidth || 900);
  lastWidth = box.clientWidth;
  svgNode.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
  svgNode.setAttribute('width', width);
  svgNode.setAttribute('height', HEIGHT);
  if (!series || !Array.isArray(series.dates) || !series.dates.length) {
    note.textContent = state.results.jobId ? t('series.none') : '';
    svgNode.setAttribute('aria-label', t('series.none'));
    return;
  }
  note.textContent = '';
  const labels = seriesScenarios(series);
  const percent = isShareSeries(series.name, series.units);
  const factor = percent ? 100 : 1;
  const times = series.dates.map(parseDate);
  const all = [];
  for (const label of labels) {
    const s = series.by_scenario[label];
    for (const key of ['mean', 'low', 'high']) {
      for (const v of s[key] || []) if (v !== null && Number.isFinite(v)) all.push(v * factor);
    }
  }
  if (!all.length) {
    note.textContent = t('series.empty');
    return;
  }
  let min = Math.min(...all);
  const max = Math.max(...all);
  if (min >= 0 && min < 0.25 * max) min = 0;
  const y = valueTicks(min, max);
  const t0 = times[0];
  const t1 = times[times.length - 1] > t0 ? times[times.length - 1] : t0 + 86400000;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (time) => MARGIN.left + ((time - t0) / (t1 - t0)) * plotW;
  const sy = (v) => MARGIN.top + (1 - (v - y.lo) / (y.hi - y.lo)) * plotH;
  const tickDecimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(y.step) + 1e-9)));
  const unit = percent ? '%' : unitText(series.units);

  const grid = svg('g', {class: 'grid'});
  for (const v of y.ticks) {
    grid.append(svg('line', {x1: MARGIN.left, x2: width - MARGIN.right, y1: sy(v), y2: sy(v)}));
    grid.append(svg('text', {x: MARGIN.left - 8, y: sy(v), class: 'tick-label', 'text-anchor': 'end',
      'dominant-baseline': 'middle'}, formatNumber(v, {decimals: tickDecimals})));
  }
  const xTicks = dateTicks(t0, t1, Math.max(2, Math.floor(plotW / 110)));
  for (const time of xTicks.ticks) {
    grid.append(svg('line', {class: 'x-grid', x1: sx(time), x2: sx(time), y1: MARGIN.top, y2: HEIGHT - MARGIN.bottom}));
    const x = sx(time);
    const anchor = x > width - MARGIN.right - 40 ? 'end' : x < MARGIN.left + 30 ? 'start' : 'middle';
    grid.append(svg('text', {x, y: HEIGHT - MARGIN.bottom + 18, class: 'tick-label', 'text-anchor': anchor},
      formatDate(time, xTicks.style)));
  }
  svgNode.append(grid);
  svgNode.append(svg('line', {class: 'axis', x1: MARGIN.left, x2: width - MARGIN.right,
    y1: HEIGHT - MARGIN.bottom, y2: HEIGHT - MARGIN.bottom}));
  svgNode.append(svg('line', {class: 'axis', x1: MARGIN.left, x2: MARGIN.left, y1: MARGIN.top, y2: HEIGHT - MARGIN.bottom}));
  svgNode.append(svg('text', {x: MARGIN.left, y: 14, class: 'unit-label'}, unit || t('series.noUnit')));

  const bands = svg('g', {class: 'bands'});
  const lines = svg('g', {class: 'lines'});
  const point = (values, k) => {
    const v = values ? values[k] : null;
    return v === null || v === undefined || !Number.isFinite(v) ? null : [sx(times[k]), sy(v * factor)];
  };
  labels.forEach((label, index) => {
    const s = series.by_scenario[label];
    const colour = scenarioColour(index);
    const lows = times.map((_, k) => point(s.low, k));
    const highs = times.map((_, k) => point(s.high, k));
    const means = times.map((_, k) => point(s.mean, k));
    bands.append(svg('path', {d: bandPath(lows, highs), fill: colour, class: 'band', 'data-scenario': label}));
    lines.append(svg('path', {d: linePath(means), stroke: colour, class: `line${index === 0 ? ' baseline-line' : ''}`,
      'data-scenario': label}));
  });
  svgNode.append(bands, lines);

  // Hover and keyboard: a cursor line, a dot per rule set and the tooltip.
  const cursor = svg('g', {class: 'cursor', visibility: 'hidden'});
  const cursorLine = svg('line', {y1: MARGIN.top, y2: HEIGHT - MARGIN.bottom});
  cursor.append(cursorLine);
  const dots = labels.map((label, index) => {
    const dot = svg('circle', {r: 4, fill: scenarioColour(index)});
    cursor.append(dot);
    return dot;
  });
  svgNode.append(cursor);
  const spread = labels.flatMap((label) => series.by_scenario[label].mean || []).map((v) => v * factor);
  const format = valueFormatter(series, Math.min(6, decimalsFor(spread) + 1));
  const show = (k, px, py) => {
    hoverIndex = k;
    const x = sx(times[k]);
    cursorLine.setAttribute('x1', x);
    cursorLine.setAttribute('x2', x);
    labels.forEach((label, index) => {
      const p = point(series.by_scenario[label].mean, k);
      dots[index].setAttribute('visibility', p ? 'visible' : 'hidden');
      if (p) {
        dots[index].setAttribute('cx', p[0]);
        dots[index].setAttribute('cy', p[1]);
      }
    });
    cursor.setAttribute('visibility', 'visible');
    const rows = labels.map((label, index) => {
      const s = series.by_scenario[label];
      return el('div', {class: 'tip-row'},
        el('span', {class: 'swatch', style: `background:${scenarioColour(index)}`, 'aria-hidden': 'true'}),
        el('span', {class: 'tip-label'}, label),
        el('span', {class: 'tip-value'}, format(s.mean?.[k])),
        el('span', {class: 'tip-band'}, t('results.range', {low: format(s.low?.[k]), high: format(s.high?.[k])})));
    });
    const content = el('div', {}, el('div', {class: 'tip-date'}, formatDate(series.dates[k], 'day')), rows);
    const scale = box.clientWidth / width || 1;
    tooltip.show(content, (px ?? x) * scale, (py ?? MARGIN.top + 10) * scale);
    byId('chart-readout').textContent = `${formatDate(series.dates[k], 'day')}: ${labels
      .map((label) => `${label} ${format(series.by_scenario[label].mean?.[k])}`).join('; ')}`;
  };
  const hide = () => {
    cursor.setAttribute('visibility', 'hidden');
    tooltip.hide();
  };
  const nearest = (x) => {
    let best = 0;
    let distance = Infinity;
    times.forEach((time, k) => {
      const d = Math.abs(sx(time) - x);
      if (d < distance) {
        distance = d;
        best = k;
      }
    });
    return best;
  };
  const overlay = svg('rect', {x: MARGIN.left, y: MARGIN.top, width: plotW, height: plotH, class: 'overlay'});
  overlay.addEventListener('pointermove', (event) => {
    const rect = svgNode.getBoundingClientRect();
    const scale = width / rect.width;
    const px = (event.clientX - rect.left) * scale;
    const py = (event.clientY - rect.top) * scale;
    show(nearest(px), px, py);
  });
  overlay.addEventListener('pointerleave', hide);
  svgNode.append(overlay);
  svgNode.onkeydown = (event) => {
    const last = times.length - 1;
    const steps = {ArrowLeft: -1, ArrowRight: 1, PageUp: -10, PageDown: 10};
    let k = hoverIndex ?? 0;
    if (event.key in steps) k = Math.max(0, Math.min(last, k + steps[event.key]));
    else if (event.key === 'Home') k = 0;
    else if (event.key === 'End') k = last;
    else if (event.key === 'Escape') {
      hide();
      return;
    } else return;
    event.preventDefault();
    show(k);
  };
  svgNode.onfocus = () => show(hoverIndex ?? times.length - 1);
  svgNode.onblur = hide;
  svgNode.setAttribute('aria-label', t('series.aria', {
    label: series.label || series.name, unit: unit || t('series.noUnit'),
    from: formatDate(series.dates[0], 'day'), to: formatDate(series.dates[series.dates.length - 1], 'day')}));

  labels.forEach((label, index) => {
    legend.append(el('li', {},
      el('span', {class: 'legend-line', style: `background:${scenarioColour(index)}`, 'aria-hidden': 'true'}),
      label, index === 0 ? ` (${t('run.baseline')})` : ''));
  });
  legend.append(el('li', {class: 'legend-band-note'},
    el('span', {class: 'legend-band', 'aria-hidden': 'true'}), t('series.band')));
  const picked = Object.entries(series.picked || {}).map(([dim, v]) =>
    `${dimensionName(dim)}: ${v === 'all' ? t('series.allShort') : dimensionValue(dim, v)}`);
  byId('chart-title').textContent = `${series.label || series.name}${picked.length ? ` (${picked.join(', ')})` : ''}`;
}
