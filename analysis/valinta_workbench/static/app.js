// The workbench page: starts the views, switches between them (tabs), changes the language and
// carries a finished comparison from the run view to the results, the chart and the map.

import { api, query } from './api.js';
import { LANGUAGES, applyStatic, currentLanguage, initialLanguage, setLanguage, t } from './i18n.js';
import { state, setParameters } from './state.js';
import { initEditor, loadBase, renderBaseSelect, renderEditorForms, renderEditorValues } from './editor.js';
import { initRun, renderRun, resumeLastJob, selectForRun } from './run.js';
import { initThresholds, renderResults } from './results.js';
import { drawChart, initChart, loadSeries, renderSeriesControls, setSeriesList } from './chart.js';
import { initMap, loadGeo, loadMap, renderMap, renderMapControls } from './map.js';
import { byId, clear, el, notify } from './ui.js';

const DEFAULT_BASE = 'scenarios/keski-suomi.yaml';
const TABS = ['editor', 'run', 'results', 'series', 'map'];

// --- tabs -----------------------------------------------------------------------------------

function showTab(name, {focus = false, remember = true} = {}) {
  if (!TABS.includes(name)) name = 'editor';
  for (const tab of TABS) {
    const button = byId(`tab-${tab}`);
    const panel = byId(`panel-${tab}`);
    const selected = tab === name;
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
    panel.hidden = !selected;
  }
  if (focus) byId(`tab-${name}`).focus();
  // The address remembers the view as #/name (no element has such an id, so nothing scrolls).
  if (remember && window.location.hash !== `#/${name}`) {
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/${name}`);
  }
  if (name === 'series') drawChart();
  if (name === 'map') loadGeo();
}

function tabInAddress() {
  return window.location.hash.replace(/^#\/?/, '') || 'editor';
}

function initTabs() {
  TABS.forEach((name, index) => {
    const button = byId(`tab-${name}`);
    button.addEventListener('click', () => showTab(name));
    button.addEventListener('keydown', (event) => {
      const moves = {ArrowRight: 1, ArrowLeft: -1};
      let next = null;
      if (event.key in moves) next = TABS[(index + moves[event.key] + TABS.length) % TABS.length];
      else if (event.key === 'Home') next = TABS[0];
      else if (event.key === 'End') next = TABS[TABS.length - 1];
      if (next) {
        event.preventDefault();
        showTab(next, {focus: true});
      }
    });
  });
  window.addEventListener('hashchange', () => showTab(tabInAddress(), {remember: false}));
}

// --- language -------------------------------------------------------------------------------

function initLanguage() {
  const select = byId('language');
  clear(select);
  for (const [code, name] of Object.entries(LANGUAGES)) select.append(el('option', {value: code, lang: code}, name));
  setLanguage(initialLanguage());
  select.value = currentLanguage();
  applyStatic(document);
  select.addEventListener('change', () => {
    setLanguage(select.value);
    applyStatic(document);
    redrawAll();
  });
}

function redrawAll() {
  if (state.parameters.length) renderEditorForms();
  renderBaseSelect();
  renderEditorValues();
  renderRun();
  renderResults();
  renderSeriesControls();
  drawChart();
  renderMap();
}

// --- data -----------------------------------------------------------------------------------

async function refreshScenarios() {
  state.scenarios = await api('/api/scenarios');
  renderBaseSelect();
  renderRun();
}

async function onSaved(id) {
  try {
    await refreshScenarios();
  } catch (error) {
    notify(t('error.scenarios', {message: error.message}));
  }
  notify(t('editor.savedNote', {id}), 'note');
}

function onCompare(baseId, savedId) {
  selectForRun([baseId, savedId]);
  showTab('run', {focus: true});
}

/** A finished job: its comparison, the list of its series, the chart and the map. */
async function onDone(job, {resumed = false} = {}) {
  const jobId = job.job;
  try {
    const comparison = await api(`/api/jobs/${encodeURIComponent(jobId)}/comparison`);
    state.results.jobId = jobId;
    state.results.comparison = comparison;
    state.results.series = null;
    state.results.map = null;
    initThresholds(comparison);
    renderResults();
    if (!resumed) showTab('results');
  } catch (error) {
    notify(t('error.comparison', {message: error.message}));
    return;
  }
  try {
    setSeriesList(await api(`/api/series-list${query({job: jobId})}`));
  } catch (error) {
    setSeriesList([]);
    notify(t('error.seriesList', {message: error.message}));
  }
  renderMapControls();
  await Promise.all([loadSeries(), loadMap()]);
}

async function start() {
  initLanguage();
  initTabs();
  initEditor({onSaved, onCompare});
  initRun({onDone});
  initChart();
  initMap();
  showTab(tabInAddress(), {remember: false});
  renderResults();
  renderRun();
  const status = byId('load-status');
  status.textContent = t('app.loading');
  try {
    const [parameters, scenarios] = await Promise.all([api('/api/parameters'), api('/api/scenarios')]);
    setParameters(parameters);
    state.scenarios = scenarios;
  } catch (error) {
    status.textContent = t('app.loadFailed');
    notify(t('error.start.load', {message: error.message}));
    return;
  }
  status.textContent = '';
  const ids = state.scenarios.map((s) => s.id);
  state.editor.baseId = ids.includes(DEFAULT_BASE) ? DEFAULT_BASE : ids[0] || '';
  renderEditorForms();
  renderBaseSelect();
  renderRun();
  if (state.editor.baseId) await loadBase(state.editor.baseId);
  document.body.dataset.ready = 'true';
  await resumeLastJob();
}

start();
