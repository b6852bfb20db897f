// The map of Finland's municipalities (GET /api/geo, GeoJSON) drawn as SVG with a simple
// equirectangular projection (longitude scaled by the cosine of the middle latitude), coloured
// by a zone series of the comparison averaged over the run (GET /api/jobs/JOB/map): a
// single-hue scale for values, blue - light grey - orange for differences from the baseline.

import { api, query } from './api.js';
import { t, currentLanguage } from './i18n.js';
import { appendUnit, decimalsFor, formatNumber, isShareSeries, unitText } from './format.js';
import { state } from './state.js';
import { NO_VALUE, scaleColour, scaleStops } from './palette.js';
import { el, svg, clear, byId, notify, Tooltip } from './ui.js';

// Projected coordinates are drawn at this many units per degree of latitude.
const UNITS_PER_DEGREE = 60;
const PAD = 0.04;

// Municipalities without a value are hatched, unlike any colour of the scales.
const NO_VALUE_PATTERN = 'map-no-value';
const NO_VALUE_FILL = `url(#${NO_VALUE_PATTERN})`;

function hatch(id, size) {
  return svg('pattern', {id, patternUnits: 'userSpaceOnUse', width: size, height: size, patternTransform: 'rotate(45)'},
    svg('rect', {width: size, height: size, fill: NO_VALUE}),
    svg('line', {x1: 0, y1: 0, x2: 0, y2: size, stroke: '#c9cdd2', 'stroke-width': size / 3}));
}

let tooltip = null;
let projected = null; // {features: [{code, name, name_sv, d, box}], box}
let requestCounter = 0;

export function initMap() {
  tooltip = new Tooltip(byId('map-tooltip'));
  byId('map-indicator').addEventListener('change', (event) => {
    state.results.mapIndicator = event.target.value;
    loadMap();
  });
  byId('map-scenario').addEventListener('change', (event) => {
    state.results.mapScenario = event.target.value;
    renderMapControls();
    loadMap();
  });
  byId('map-difference').addEventListener('change', (event) => {
    state.results.mapDifference = event.target.checked;
    loadMap();
  });
  byId('map-zoom').addEventListener('change', (event) => {
    state.results.mapZoom = event.target.checked;
    fitView();
  });
  const map = byId('map');
  map.addEventListener('pointermove', (event) => {
    const path = event.target.closest?.('path[data-code]');
    if (!path) {
      unhover();
      return;
    }
    hover(path, event);
  });
  map.addEventListener('pointerleave', unhover);
}

// --- geography --------------------------------------------------------------------------------

/** GET /api/geo once; projects every municipality's outline. */
export async function loadGeo() {
  if (state.geo) return state.geo;
  try {
    state.geo = await api('/api/geo');
  } catch (error) {
    notify(t('error.geo', {message: error.message}));
    return null;
  }
  projected = project(state.geo);
  byId('map-attribution').textContent = attributionOf(state.geo);
  drawMunicipalities();
  return state.geo;
}

function attributionOf(geo) {
  const text = geo.attribution || geo.properties?.attribution || '';
  return text || t('map.attributionDefault');
}

function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
  return [];
}

function project(geo) {
  const features = geo.features || [];
  let minLat = Infinity;
  let maxLat = -Infinity;
  for (const f of features) {
    for (const ring of rings(f.geometry)) {
      for (const [, lat] of ring) {
        if (lat < minLat) minLat = lat;
        if (lat > maxLat) maxLat = lat;
      }
    }
  }
  const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const px = (lon) => lon * k * UNITS_PER_DEGREE;
  const py = (lat) => (maxLat - lat) * UNITS_PER_DEGREE;
  const all = {x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity};
  const out = features.map((f) => {
    const box = {x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity};
    const d = rings(f.geometry).map((ring) => ring.map(([lon, lat], i) => {
      const x = px(lon);
      const y = py(lat);
      if (x < box.x0) box.x0 = x;
      if (x > box.x1) box.x1 = x;
      if (y < box.y0) box.y0 = y;
      if (y > box.y1) box.y1 = y;
      return `${i ? 'L' : 'M'}${x.toFixed(2)},${y.toFixed(2)}`;
    }).join('') + 'Z').join('');
    all.x0 = Math.min(all.x0, box.x0);
    all.y0 = Math.min(all.y0, box.y0);
    all.x1 = Math.max(all.x1, box.x1);
    all.y1 = Math.max(all.y1, box.y1);
    const p = f.properties || {};
    return {code: String(p.code ?? f.id ?? ''), name: p.name || p.name_fi || p.nimi || String(p.code ?? ''),
      name_sv: p.name_sv || p.namn || '', d, box};
  });
  return {features: out, box: all};
}

function nameOf(feature) {
  return currentLanguage() === 'sv' && feature.name_sv ? feature.name_sv : feature.name;
}

function drawMunicipalities() {
  const map = byId('map');
  clear(map);
  if (!projected) return;
  map.append(svg('title', {}, t('map.title')));
  map.append(svg('defs', {}, hatch(NO_VALUE_PATTERN, 4)));
  const group = svg('g', {class: 'municipalities'});
  for (const f of projected.features) {
    group.append(svg('path', {d: f.d, 'data-code': f.code, class: 'municipality', fill: NO_VALUE_FILL,
      'fill-rule': 'evenodd'}));
  }
  map.append(group);
  map.append(svg('path', {class: 'hover-outline', d: '', fill: 'none', visibility: 'hidden', 'aria-hidden': 'true'}));
  fitView();
  colour();
}

function fitView() {
  const map = byId('map');
  if (!projected) return;
  let box = projected.box;
  const values = state.results.map?.by_code || {};
  if (state.results.mapZoom) {
    const withValues = projected.features.filter((f) => Number.isFinite(values[f.code]));
    if (withValues.length && withValues.length < projected.features.length * 0.6) {
      box = withValues.reduce((b, f) => ({x0: Math.min(b.x0, f.box.x0), y0: Math.min(b.y0, f.box.y0),
        x1: Math.max(b.x1, f.box.x1), y1: Math.max(b.y1, f.box.y1)}),
      {x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity});
    }
  }
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  const pad = PAD * Math.max(w, h);
  // The hatching keeps about the same size on the screen whatever the zoom.
  const size = (Math.max(w, h) / 110).toFixed(2);
  const pattern = map.querySelector(`#${NO_VALUE_PATTERN}`);
  if (pattern) {
    pattern.setAttribute('width', size);
    pattern.setAttribute('height', size);
    pattern.querySelector('rect').setAttribute('width', size);
    pattern.querySelector('rect').setAttribute('height', size);
    const line = pattern.querySelector('line');
    line.setAttribute('y2', size);
    line.setAttribute('stroke-width', (size / 3).toFixed(2));
  }
  map.setAttribute('viewBox', `${(box.x0 - pad).toFixed(1)} ${(box.y0 - pad).toFixed(1)} ${(w + 2 * pad).toFixed(1)} ${(h + 2 * pad).toFixed(1)}`);
}

// --- values ------------------------------------------------------------------------------------

function mapSeries() {
  return state.results.seriesList.filter((s) => s.map || (s.dims || []).includes('zone'));
}

/** The pickers of the map: indicator (series by zone), rule set, difference, zoom. */
export function renderMapControls() {
  const indicators = mapSeries();
  const indicator = byId('map-indicator');
  clear(indicator);
  for (const s of indicators) {
    const unit = isShareSeries(s.name, s.units) ? '%' : unitText(s.units);
    indicator.append(el('option', {value: s.name, title: s.name}, `${s.label || s.name}${unit ? ` [${unit}]` : ''}`));
  }
  if (!indicators.some((s) => s.name === state.results.mapIndicator)) {
    state.results.mapIndicator = indicators[0]?.name || '';
  }
  indicator.value = state.results.mapIndicator;
  indicator.disabled = indicators.length === 0;
  const comparison = state.results.comparison;
  const labels = comparison?.scenarios || [];
  const scenario = byId('map-scenario');
  clear(scenario);
  labels.forEach((label, k) => scenario.append(el('option', {value: label},
    k === 0 ? `${label} (${t('run.baseline')})` : label)));
  if (!labels.includes(state.results.mapScenario)) state.results.mapScenario = labels[1] || labels[0] || '';
  scenario.value = state.results.mapScenario;
  scenario.disabled = labels.length === 0;
  const isBaseline = state.results.mapScenario === comparison?.baseline;
  const difference = byId('map-difference');
  difference.checked = state.results.mapDifference && !isBaseline;
  difference.disabled = isBaseline || labels.length === 0;
  byId('map-zoom').checked = state.results.mapZoom;
  byId('map-note').textContent = comparison && !indicators.length ? t('map.noZoneSeries') : '';
}

function showsDifference() {
  return state.results.mapDifference && state.results.mapScenario !== state.results.comparison?.baseline;
}

/** GET /api/jobs/JOB/map for the picked indicator and rule set, then colours the map. */
export async function loadMap() {
  await loadGeo();
  const job = state.results.jobId;
  const indicator = state.results.mapIndicator;
  if (!job || !indicator) {
    state.results.map = null;
    colour();
    return;
  }
  const request = ++requestCounter;
  byId('map').setAttribute('aria-busy', 'true');
  try {
    const answer = await api(`/api/jobs/${encodeURIComponent(job)}/map${query({
      indicator, scenario: state.results.mapScenario, difference: showsDifference() ? 1 : 0})}`);
    if (request !== requestCounter) return;
    state.results.map = {...answer, difference: showsDifference()};
  } catch (error) {
    if (request !== requestCounter) return;
    state.results.map = null;
    notify(t('error.map', {message: error.message}));
  } finally {
    if (request === requestCounter) byId('map').removeAttribute('aria-busy');
  }
  fitView();
  colour();
}

function mapFormat(data, values) {
  const share = isShareSeries(data.indicator, data.units);
  const factor = share ? 100 : 1;
  const unit = share ? (data.difference ? t('unit.percentPoints') : '%') : unitText(data.units);
  const decimals = Math.min(6, decimalsFor(values.map((v) => v * factor)));
  return {
    factor, unit,
    format: (v, signed = data.difference) => {
      if (v === null || v === undefined || !Number.isFinite(v)) return t('map.noValue');
      const text = formatNumber(v * factor, {decimals, signed});
      return appendUnit(text, unit);
    },
  };
}

function currentScale(data) {
  const values = Object.values(data.by_code || {}).filter(Number.isFinite);
  if (!values.length) return null;
  if (data.difference) return {kind: 'diverging', max: Math.max(...values.map(Math.abs)), values};
  return {kind: 'sequential', min: Math.min(...values), max: Math.max(...values), values};
}

function colour() {
  const map = byId('map');
  const data = state.results.map;
  const values = data?.by_code || {};
  const scale = data ? currentScale(data) : null;
  for (const path of map.querySelectorAll('path[data-code]')) {
    const v = values[path.dataset.code];
    const has = scale && Number.isFinite(v);
    path.setAttribute('fill', has ? scaleColour(scale, v) : NO_VALUE_FILL);
    path.classList.toggle('has-value', Boolean(has));
  }
  renderLegend(data, scale);
  renderTable(data);
}

function renderLegend(data, scale) {
  const legend = byId('map-legend');
  clear(legend);
  legend.hidden = false;
  byId('map-legend-none').textContent = t('map.notSimulated');
  const ends = byId('map-legend-ends');
  ends.hidden = true;
  const title = byId('map-legend-title');
  if (!data || !scale) {
    title.textContent = '';
    legend.setAttribute('aria-label', t('map.noValues'));
    legend.hidden = true;
    return;
  }
  const {format} = mapFormat(data, scale.values);
  const info = state.results.seriesList.find((s) => s.name === data.indicator);
  title.textContent = t(data.difference ? 'map.legendDifference' : 'map.legendValue', {
    label: data.label || info?.label || data.indicator, scenario: data.scenario || state.results.mapScenario,
    baseline: data.baseline || state.results.comparison?.baseline || ''});
  const width = 300;
  const id = `map-gradient-${data.difference ? 'd' : 's'}`;
  const stops = scaleStops(scale);
  const gradient = svg('linearGradient', {id, x1: 0, x2: 1, y1: 0, y2: 0},
    stops.map((c, k) => svg('stop', {offset: `${(k / (stops.length - 1)) * 100}%`, 'stop-color': c})));
  legend.append(svg('defs', {}, gradient));
  legend.append(svg('rect', {x: 10, y: 4, width: width - 20, height: 14, fill: `url(#${id})`, class: 'legend-bar'}));
  const ticks = scale.kind === 'diverging'
    ? [[-scale.max, 0], [0, 0.5], [scale.max, 1]]
    : [[scale.min, 0], [(scale.min + scale.max) / 2, 0.5], [scale.max, 1]];
  for (const [v, at] of ticks) {
    const x = 10 + at * (width - 20);
    legend.append(svg('line', {x1: x, x2: x, y1: 18, y2: 23, class: 'legend-tick'}));
    legend.append(svg('text', {x, y: 36, 'text-anchor': at === 0 ? 'start' : at === 1 ? 'end' : 'middle',
      class: 'legend-text'}, format(v, scale.kind === 'diverging' && v !== 0)));
  }
  ends.hidden = scale.kind !== 'diverging';
  ends.querySelector('.legend-low').textContent = t('map.lower');
  ends.querySelector('.legend-high').textContent = t('map.higher');
  legend.setAttribute('viewBox', `0 0 ${width} 42`);
  legend.setAttribute('aria-label', `${title.textContent}: ${format(ticks[0][0])} … ${format(ticks[2][0])}`);
}

function renderTable(data) {
  const table = byId('map-table');
  clear(table);
  const details = byId('map-table-details');
  if (!data || !projected) {
    details.hidden = true;
    return;
  }
  const values = data.by_code || {};
  const rows = projected.features.filter((f) => Number.isFinite(values[f.code]))
    .sort((a, b) => values[b.code] - values[a.code]);
  details.hidden = rows.length === 0;
  const {format} = mapFormat(data, rows.map((f) => values[f.code]));
  table.append(el('thead', {}, el('tr', {},
    el('th', {scope: 'col'}, t('map.municipality')), el('th', {scope: 'col'}, t('map.code')),
    el('th', {scope: 'col', class: 'num'}, data.difference ? t('map.difference') : t('map.value')))));
  table.append(el('tbody', {}, rows.map((f) => el('tr', {'data-code': f.code},
    el('th', {scope: 'row'}, nameOf(f)), el('td', {}, f.code), el('td', {class: 'num'}, format(values[f.code]))))));
}

function hover(path, event) {
  const map = byId('map');
  const code = path.dataset.code;
  const feature = projected?.features.find((f) => f.code === code);
  if (!feature) return;
  if (!path.classList.contains('hover')) {
    for (const old of map.querySelectorAll('path.hover')) old.classList.remove('hover');
    path.classList.add('hover');
    // The outline is drawn again on top of the neighbours' (the path itself keeps its place:
    // enclaves such as Muurame inside Jyväskylä stay visible).
    const outline = map.querySelector('path.hover-outline');
    outline.setAttribute('d', path.getAttribute('d'));
    outline.removeAttribute('visibility');
  }
  const data = state.results.map;
  const v = data?.by_code?.[code];
  const value = data && Number.isFinite(v)
    ? mapFormat(data, Object.values(data.by_code).filter(Number.isFinite)).format(v) : t('map.notSimulated');
  const box = byId('map-box').getBoundingClientRect();
  tooltip.show(el('div', {}, el('div', {class: 'tip-date'}, `${nameOf(feature)} (${code})`),
    el('div', {}, value)), event.clientX - box.left, event.clientY - box.top);
}

function unhover() {
  for (const old of byId('map').querySelectorAll('path.hover')) old.classList.remove('hover');
  byId('map').querySelector('path.hover-outline')?.setAttribute('visibility', 'hidden');
  tooltip?.hide();
}

/** Re-draws names and words after a change of language. */
export function renderMap() {
  renderMapControls();
  if (state.geo) {
    byId('map-attribution').textContent = attributionOf(state.geo);
    const title = byId('map').querySelector('title');
    if (title) title.textContent = t('map.title');
  }
  colour();
}
