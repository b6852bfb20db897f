// Run and compare: the rule sets to compare in order (the first is the baseline), the number of
// replications, and the background job (POST /api/jobs), followed every 300 ms until it ends.

import { api } from './api.js';
import { t } from './i18n.js';
import { formatNumber, formatSeconds } from './format.js';
import { state } from './state.js';
import { el, clear, byId, safeId, notify } from './ui.js';

const POLL_MS = 300;
// The last job of this browser tab, so that a reload finds its results again.
const JOB_KEY = 'valinta-workbench-job';
const MIN_REPLICATIONS = 2;
const MAX_REPLICATIONS = 50;

let hooks = {onDone: () => {}};
let pollTimer = null;
let pollFailures = 0;

export function initRun(callbacks) {
  hooks = {...hooks, ...callbacks};
  const replications = byId('replications');
  replications.value = String(state.run.replications);
  replications.addEventListener('input', () => {
    const n = Number(replications.value);
    if (Number.isInteger(n)) state.run.replications = n;
    renderRunControls();
  });
  byId('run-button').addEventListener('click', start);
  byId('cancel-button').addEventListener('click', cancel);
  byId('run-filter').addEventListener('input', renderScenarioChoices);
}

function scenarioById(id) {
  return state.scenarios.find((s) => s.id === id);
}

function nameOf(id) {
  return scenarioById(id)?.name || id;
}

/** Selects rule sets for a comparison, in this order (the first the baseline). */
export function selectForRun(ids) {
  state.run.selected = ids.filter((id, k) => scenarioById(id) && ids.indexOf(id) === k);
  renderRun();
}

export function renderRun() {
  state.run.selected = state.run.selected.filter((id) => scenarioById(id));
  renderScenarioChoices();
  renderOrder();
  renderRunControls();
  renderJob();
}

function renderScenarioChoices() {
  const list = byId('run-scenarios');
  clear(list);
  const words = byId('run-filter').value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const groups = [
    [t('editor.ownRuleSets'), state.scenarios.filter((s) => s.editable)],
    [t('editor.projectRuleSets'), state.scenarios.filter((s) => !s.editable)],
  ];
  for (const [title, scenarios] of groups) {
    const shown = scenarios.filter((s) => {
      const text = `${s.name} ${s.id} ${s.description}`.toLowerCase();
      return words.every((w) => text.includes(w)) || state.run.selected.includes(s.id);
    });
    if (!shown.length) continue;
    const fieldset = el('fieldset', {class: 'scenario-choices'}, el('legend', {}, title));
    for (const s of shown) {
      const id = safeId('run', s.id);
      const position = state.run.selected.indexOf(s.id);
      const box = el('input', {type: 'checkbox', id, 'data-id': s.id, checked: position >= 0});
      box.addEventListener('change', () => {
        if (box.checked) state.run.selected.push(s.id);
        else state.run.selected = state.run.selected.filter((x) => x !== s.id);
        renderOrder();
        renderRunControls();
      });
      fieldset.append(el('div', {class: `scenario-choice${position >= 0 ? ' chosen' : ''}`},
        box,
        el('label', {for: id},
          el('span', {class: 'choice-name'}, s.name),
          el('span', {class: 'choice-id'}, s.id),
          s.description ? el('span', {class: 'choice-description'}, s.description) : null)));
    }
    list.append(fieldset);
  }
}

function move(index, by) {
  const list = state.run.selected;
  const to = index + by;
  if (to < 0 || to >= list.length) return;
  [list[index], list[to]] = [list[to], list[index]];
  renderOrder();
  renderRunControls();
  // Keep the keyboard on the button that was used, now on the moved item.
  const button = byId('run-order').querySelector(`li:nth-child(${to + 1}) [data-move="${by}"]`);
  (button && !button.disabled ? button : byId('run-order').querySelector(`li:nth-child(${to + 1}) button`))?.focus();
}

function renderOrder() {
  const order = byId('run-order');
  clear(order);
  const list = state.run.selected;
  byId('run-order-empty').hidden = list.length > 0;
  list.forEach((id, k) => {
    const name = nameOf(id);
    order.append(el('li', {class: k === 0 ? 'baseline' : '', 'data-id': id},
      el('span', {class: 'order-position'}, k === 0 ? t('run.baseline') : t('run.compared', {n: k})),
      el('span', {class: 'order-name'}, name, ' ', el('span', {class: 'choice-id'}, id)),
      el('span', {class: 'order-buttons'},
        el('button', {type: 'button', class: 'small-button', 'data-move': '-1', disabled: k === 0,
          'aria-label': t('run.moveUp', {name}), title: t('run.moveUp', {name}), onclick: () => move(k, -1)}, '↑'),
        el('button', {type: 'button', class: 'small-button', 'data-move': '1', disabled: k === list.length - 1,
          'aria-label': t('run.moveDown', {name}), title: t('run.moveDown', {name}), onclick: () => move(k, 1)}, '↓'),
        k > 0 ? el('button', {type: 'button', class: 'small-button', 'data-baseline': '1',
          onclick: () => move(k, -k)}, t('run.makeBaseline')) : null,
        el('button', {type: 'button', class: 'small-button', 'aria-label': t('run.remove', {name}),
          title: t('run.remove', {name}), onclick: () => {
            state.run.selected = state.run.selected.filter((x) => x !== id);
            renderRun();
          }}, '×'))));
  });
  for (const box of byId('run-scenarios').querySelectorAll('input[type=checkbox]')) {
    box.checked = list.includes(box.dataset.id);
    box.closest('.scenario-choice').classList.toggle('chosen', box.checked);
  }
}

function running() {
  return state.run.job && state.run.job.state === 'running';
}

function replicationsProblem() {
  const n = state.run.replications;
  const raw = byId('replications').value;
  if (!Number.isInteger(Number(raw)) || raw === '' || n < MIN_REPLICATIONS || n > MAX_REPLICATIONS) {
    return t('run.replicationsRange', {min: MIN_REPLICATIONS, max: MAX_REPLICATIONS});
  }
  return '';
}

function renderRunControls() {
  const count = state.run.selected.length;
  const problem = count < 2 ? t('run.chooseTwo') : replicationsProblem();
  const button = byId('run-button');
  button.disabled = Boolean(problem) || running();
  byId('run-hint').textContent = problem || t('run.ready', {n: count, runs: count * state.run.replications});
}

async function start() {
  const problem = state.run.selected.length < 2 ? t('run.chooseTwo') : replicationsProblem();
  if (problem) {
    notify(problem);
    return;
  }
  stopPolling();
  const body = {scenarios: [...state.run.selected], replications: state.run.replications};
  byId('run-button').disabled = true;
  try {
    const answer = await api('/api/jobs', {method: 'POST', body});
    state.run.job = {job: answer.job, state: 'running', progress: 0, message: '', seconds: 0,
      scenarios: body.scenarios, replications: body.replications, ...answer};
    remember(answer.job);
    renderJob();
    renderRunControls();
    poll();
  } catch (error) {
    notify(t('error.start', {message: error.message}));
    renderRunControls();
  }
}

function remember(jobId) {
  try {
    if (jobId) sessionStorage.setItem(JOB_KEY, jobId);
    else sessionStorage.removeItem(JOB_KEY);
  } catch { /* storage may be off */ }
}

/** After a reload: the last job of this tab, followed again if it runs, shown if it is done. */
export async function resumeLastJob() {
  let jobId = null;
  try { jobId = sessionStorage.getItem(JOB_KEY); } catch { return; }
  if (!jobId) return;
  try {
    state.run.job = await api(`/api/jobs/${encodeURIComponent(jobId)}`);
  } catch {
    remember(null); // the server was restarted: its jobs are gone
    return;
  }
  state.run.selected = (state.run.job.scenarios || []).filter((id) => scenarioById(id));
  if (Number.isInteger(state.run.job.replications)) {
    state.run.replications = state.run.job.replications;
    byId('replications').value = String(state.run.replications);
  }
  renderRun();
  if (state.run.job.state === 'running') poll();
  else if (state.run.job.state === 'done') await hooks.onDone(state.run.job, {resumed: true});
}

async function cancel() {
  const job = state.run.job;
  if (!job) return;
  try {
    const answer = await api(`/api/jobs/${encodeURIComponent(job.job)}`, {method: 'DELETE'});
    state.run.job = {...job, ...answer};
    renderJob();
  } catch (error) {
    notify(t('error.cancel', {message: error.message}));
  }
}

function stopPolling() {
  if (pollTimer) clearTimeout(pollTimer);
  pollTimer = null;
}

async function poll() {
  stopPolling();
  const job = state.run.job;
  if (!job) return;
  try {
    const answer = await api(`/api/jobs/${encodeURIComponent(job.job)}`);
    pollFailures = 0;
    if (state.run.job?.job !== job.job) return; // another job started meanwhile
    state.run.job = {...job, ...answer};
  } catch (error) {
    pollFailures += 1;
    if (error.status === 404 || pollFailures >= 20) {
      state.run.job = {...job, state: 'failed', message: error.message};
      renderJob();
      renderRunControls();
      notify(t('error.job', {message: error.message}));
      return;
    }
  }
  renderJob();
  const current = state.run.job;
  if (current.state === 'running') {
    pollTimer = setTimeout(poll, POLL_MS);
    return;
  }
  renderRunControls();
  if (current.state === 'done') await hooks.onDone(current);
  else if (current.state === 'failed') notify(t('run.failed', {message: current.message || ''}));
}

function renderJob() {
  const job = state.run.job;
  const box = byId('job-box');
  const progress = byId('run-progress');
  const status = byId('run-status');
  const cancelButton = byId('cancel-button');
  box.hidden = !job;
  if (!job) return;
  const fraction = Math.max(0, Math.min(1, Number(job.progress) || 0));
  progress.value = job.state === 'done' ? 1 : fraction;
  const percent = formatNumber(fraction * 100, {decimals: 0});
  const seconds = formatSeconds(Number(job.seconds));
  const words = {
    running: t('run.running', {percent, seconds}),
    done: t('run.done', {seconds}),
    failed: t('run.failedShort'),
    cancelled: t('run.cancelled'),
  }[job.state] || job.state;
  status.textContent = words;
  progress.setAttribute('aria-valuetext', words);
  box.dataset.state = job.state;
  cancelButton.hidden = job.state !== 'running';
  const message = byId('run-message');
  const showMessage = job.message && !['done', 'cancelled', 'running'].includes(job.message);
  message.textContent = showMessage ? job.message : '';
  message.hidden = !showMessage;
  byId('job-what').textContent = t('run.jobWhat', {
    names: (job.scenarios || []).map(nameOf).join(' · '), r: job.replications});
}
