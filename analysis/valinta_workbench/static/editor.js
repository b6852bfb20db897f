// The rule-set editor: a base rule set's values in forms made from the engine's parameter
// declarations (GET /api/parameters), grouped and searchable; changed fields are marked, the
// engine checks the edit (POST /api/check) and the workspace keeps it (POST /api/save).

import { api, withToken, query } from './api.js';
import { t, groupName } from './i18n.js';
import { formatValue, formatNumber, unitText } from './format.js';
import { state } from './state.js';
import { el, clear, byId, safeId, notify, setLink } from './ui.js';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
// Set by the rule set's own name field, not edited as a parameter.
const HIDDEN_KEYS = new Set(['name']);
const NUMERIC = new Set(['real', 'integer']);
const LISTS = new Set(['real_list', 'text_list']);

let hooks = {onSaved: () => {}, onCompare: () => {}};

export function initEditor(callbacks) {
  hooks = {...hooks, ...callbacks};
  byId('base-select').addEventListener('change', (event) => loadBase(event.target.value));
  byId('scenario-name').addEventListener('input', (event) => {
    state.editor.name = event.target.value.trim();
    state.editor.nameTouched = true;
    showNameNote();
  });
  for (const kind of ['input', 'change']) {
    byId('param-search').addEventListener(kind, (event) => {
      if (state.editor.search === event.target.value) return;
      state.editor.search = event.target.value;
      applyFilter();
    });
  }
  byId('only-changed').addEventListener('change', (event) => {
    state.editor.onlyChanged = event.target.checked;
    applyFilter();
  });
  byId('check-button').addEventListener('click', () => submit(false));
  byId('save-button').addEventListener('click', () => submit(true));
  byId('reset-button').addEventListener('click', resetAll);
  byId('expand-all').addEventListener('click', () => setAllGroups(true));
  byId('collapse-all').addEventListener('click', () => setAllGroups(false));
  byId('compare-saved').addEventListener('click', () => {
    if (state.editor.checked?.id) hooks.onCompare(state.editor.baseId, state.editor.checked.id);
  });
}

// --- values: what a field holds, what it means, and whether it differs from the base ---------

function baseValue(key) {
  return state.editor.base?.values?.[key];
}

/** What a field shows for a value (text; true/false for a checkbox). */
function toField(param, value) {
  if (param.kind === 'boolean') return value === true || value === 'true';
  if (value === null || value === undefined) return '';
  if (LISTS.has(param.kind)) return Array.isArray(value) ? value.map(String).join(', ') : String(value);
  return String(value);
}

function splitList(text) {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '[]') return [];
  const inner = trimmed.replace(/^\[/, '').replace(/\]$/, '');
  // "0,5; 0,3" (decimal commas) when semicolons separate; commas otherwise.
  if (inner.includes(';')) return inner.split(';').map((s) => s.trim().replace(',', '.'));
  return inner.split(',').map((s) => s.trim());
}

function toNumberOrText(text) {
  const s = text.trim();
  if (s === '') return s;
  const n = Number(s.replace(',', '.'));
  return Number.isFinite(n) && /^[+-]?(\d+[.,]?\d*|[.,]\d+)([eE][+-]?\d+)?$/.test(s) ? n : s;
}

/** The value sent to the engine for what a field holds (the engine judges it). */
function fromField(param, raw) {
  if (param.kind === 'boolean') return Boolean(raw);
  const text = String(raw ?? '');
  if (NUMERIC.has(param.kind)) {
    if (param.auto_allowed && text.trim().toLowerCase() === 'auto') return 'auto';
    return toNumberOrText(text);
  }
  if (param.kind === 'real_list') return splitList(text).map(toNumberOrText);
  if (param.kind === 'text_list') return splitList(text);
  return text;
}

function fieldValue(param) {
  const edits = state.editor.edits;
  return edits.has(param.key) ? edits.get(param.key) : toField(param, baseValue(param.key));
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isChanged(param) {
  if (!state.editor.edits.has(param.key)) return false;
  return !same(fromField(param, state.editor.edits.get(param.key)),
    fromField(param, toField(param, baseValue(param.key))));
}

/** {key: value} of every field that differs from the base. */
export function collectChanges() {
  const changes = {};
  for (const param of state.parameters) {
    if (isChanged(param)) changes[param.key] = fromField(param, state.editor.edits.get(param.key));
  }
  return changes;
}

// --- words about a parameter --------------------------------------------------------------

function bound(value) {
  return formatNumber(value, {decimals: Math.min(6, String(value).split('.')[1]?.length ?? 0)});
}

/** The allowed values of a parameter in words. */
export function rangeText(param) {
  const parts = [];
  if (param.kind === 'choice') {
    parts.push(t('range.oneOf', {choices: (param.choices || []).join(', ')}));
  } else if (param.kind === 'boolean') {
    parts.push(t('range.boolean'));
  } else if (param.kind === 'date') {
    parts.push(t('range.date'));
  } else if (param.kind === 'text' || param.kind === 'text_list') {
    parts.push(t(param.kind === 'text' ? 'range.text' : 'range.textList'));
  } else {
    const lo = param.min;
    const hi = param.max;
    const hasLo = lo !== null && lo !== undefined;
    const hasHi = hi !== null && hi !== undefined;
    if (hasLo && hasHi && !param.min_open) parts.push(t('range.between', {min: bound(lo), max: bound(hi)}));
    else if (hasLo && hasHi) parts.push(t('range.aboveUpTo', {min: bound(lo), max: bound(hi)}));
    else if (hasLo) parts.push(t(param.min_open ? 'range.above' : 'range.atLeast', {min: bound(lo)}));
    else if (hasHi) parts.push(t('range.atMost', {max: bound(hi)}));
    else parts.push(t('range.any'));
    if (param.kind === 'integer') parts.push(t('range.whole'));
  }
  if (LISTS.has(param.kind)) {
    parts.push(param.list_length ? t('range.listLength', {n: param.list_length}) : t('range.list'));
  }
  if (param.auto_allowed) parts.push(t('range.auto'));
  return parts.join(', ');
}

function shortKey(param) {
  const dot = param.key.indexOf('.');
  return dot < 0 ? param.key : param.key.slice(dot + 1);
}

/** The engine's default as text; a single number in the page's language. */
function defaultText(param) {
  const d = param.default;
  if (d === null || d === undefined) return '';
  if (typeof d === 'number') return formatValue(d);
  if (typeof d === 'string' && NUMERIC.has(param.kind) && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(d.trim())) {
    return formatValue(Number(d));
  }
  return typeof d === 'string' ? d : JSON.stringify(d);
}

// --- drawing the forms ----------------------------------------------------------------------

function makeInput(param, id, describedBy) {
  const common = {id, 'data-param': param.key, 'aria-describedby': describedBy, name: param.key};
  let input;
  if (param.kind === 'boolean') {
    input = el('input', {...common, type: 'checkbox'});
  } else if (param.kind === 'choice') {
    input = el('select', common, (param.choices || []).map((c) => el('option', {value: c}, c)));
  } else if (param.kind === 'date') {
    input = el('input', {...common, type: 'date', min: '1900-01-01', max: '2200-12-31'});
  } else if (NUMERIC.has(param.kind) && !param.auto_allowed) {
    const attrs = {...common, type: 'number', step: param.kind === 'integer' ? '1' : 'any', inputmode: 'decimal'};
    if (param.min !== null && param.min !== undefined && !param.min_open) attrs.min = param.min;
    if (param.max !== null && param.max !== undefined) attrs.max = param.max;
    input = el('input', attrs);
  } else {
    const attrs = {...common, type: 'text', spellcheck: 'false', autocomplete: 'off'};
    if (NUMERIC.has(param.kind)) attrs.inputmode = 'decimal';
    if (LISTS.has(param.kind)) attrs.placeholder = t('field.listPlaceholder');
    input = el('input', attrs);
  }
  input.classList.add('param-input', `kind-${param.kind}`);
  const onEdit = () => {
    const raw = param.kind === 'boolean' ? input.checked : input.value;
    state.editor.edits.set(param.key, raw);
    if (!isChanged(param)) state.editor.edits.delete(param.key);
    const error = input.closest('.field')?.querySelector('.field-error');
    if (error) error.classList.add('stale');
    markField(param);
    updateCounts();
  };
  input.addEventListener(param.kind === 'boolean' || param.kind === 'choice' ? 'change' : 'input', onEdit);
  return input;
}

function makeField(param) {
  const id = safeId('param', param.key);
  const infoId = `${id}-info`;
  const input = makeInput(param, id, infoId);
  // A date field says it is a date by itself.
  const unit = param.kind === 'date' ? '' : unitText(param.unit);
  const meaning = param.meaning || '';
  const reset = el('button', {type: 'button', class: 'reset-field small-button', hidden: true,
    title: t('field.reset'), 'aria-label': `${t('field.reset')}: ${param.key}`,
    onclick: () => {
      state.editor.edits.delete(param.key);
      setInput(param);
      markField(param);
      updateCounts();
      input.focus();
    }}, '↺ ', t('field.resetShort'));
  const info = el('div', {class: 'field-info', id: infoId},
    el('span', {class: 'info-range'}, `${t('field.allowed')}: ${rangeText(param)}`),
    el('span', {class: 'info-default'}, `${t('field.default')}: ${defaultText(param) || t('value.empty')}`),
    param.source ? el('span', {class: 'info-source', title: param.source}, `${t('field.source')}: ${param.source}`) : null);
  const field = el('div', {class: `field field-${param.kind}`, 'data-key': param.key,
    'data-search': `${param.key} ${meaning} ${param.unit || ''}`.toLowerCase()},
    el('div', {class: 'field-label'},
      el('label', {for: id},
        el('code', {class: 'param-key', title: param.key}, shortKey(param)),
        el('span', {class: 'param-meaning'}, meaning))),
    el('div', {class: 'field-control'},
      input,
      unit ? el('span', {class: 'param-unit'}, unit) : null,
      el('span', {class: 'changed-mark', hidden: true}),
      reset),
    info);
  return field;
}

/** Builds every group and field from the parameter list (again after a change of language). */
export function renderEditorForms() {
  const container = byId('param-groups');
  clear(container);
  const groups = new Map();
  for (const param of state.parameters) {
    if (HIDDEN_KEYS.has(param.key)) continue;
    if (!groups.has(param.group)) groups.set(param.group, []);
    groups.get(param.group).push(param);
  }
  // The rules come first: they are what policy changes; the model's other groups follow.
  const ordered = [...groups].sort(([a], [b]) => Number(b === 'rules') - Number(a === 'rules'));
  for (const [group, params] of ordered) {
    const details = el('details', {class: 'group', 'data-group': group, open: state.editor.openGroups.has(group)},
      el('summary', {},
        el('span', {class: 'group-name'}, groupName(group)),
        el('span', {class: 'group-count'}, t('editor.groupCount', {n: params.length})),
        el('span', {class: 'group-changed'})),
      el('div', {class: 'group-fields'}, params.map(makeField)));
    // A click on the summary (or Enter/Space on it) toggles the group after this handler runs;
    // the groups the user opens are remembered while no filter is on.
    details.querySelector('summary').addEventListener('click', () => {
      if (filterActive()) return;
      if (details.open) state.editor.openGroups.delete(group);
      else state.editor.openGroups.add(group);
    });
    container.append(details);
  }
  for (const param of state.parameters) {
    if (!HIDDEN_KEYS.has(param.key)) {
      setInput(param);
      markField(param);
    }
  }
  updateCounts();
  applyFilter();
  showErrors(state.editor.errors);
  showChecked();
}

function fieldOf(key) {
  return byId('param-groups').querySelector(`.field[data-key="${CSS.escape(key)}"]`);
}

function setInput(param) {
  const field = fieldOf(param.key);
  if (!field) return;
  const input = field.querySelector('.param-input');
  const value = fieldValue(param);
  if (param.kind === 'boolean') input.checked = Boolean(value);
  else if (param.kind === 'choice') {
    const text = String(value);
    if (![...input.options].some((o) => o.value === text)) input.append(el('option', {value: text}, text));
    input.value = text;
  } else input.value = String(value ?? '');
}

function markField(param) {
  const field = fieldOf(param.key);
  if (!field) return;
  const changed = isChanged(param);
  field.classList.toggle('changed', changed);
  const mark = field.querySelector('.changed-mark');
  mark.hidden = !changed;
  mark.textContent = changed
    ? t('field.changedFrom', {value: formatValue(fromField(param, toField(param, baseValue(param.key))))}) : '';
  field.querySelector('.reset-field').hidden = !changed;
}

function updateCounts() {
  let total = 0;
  for (const details of byId('param-groups').querySelectorAll('details.group')) {
    const n = details.querySelectorAll('.field.changed').length;
    total += n;
    details.classList.toggle('has-changes', n > 0);
    details.querySelector('.group-changed').textContent = n ? t('editor.groupChanged', {n}) : '';
  }
  byId('change-count').textContent = total ? t('editor.changeCount', {n: total}) : t('editor.noChanges');
  if (state.editor.onlyChanged) applyFilter();
}

function normalise(text) {
  return text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

function filterActive() {
  return state.editor.search.trim() !== '' || state.editor.onlyChanged;
}

/** Shows the fields the search box and "only changed" let through; opens groups with matches. */
function applyFilter() {
  const words = normalise(state.editor.search.trim()).split(/\s+/).filter(Boolean);
  const onlyChanged = state.editor.onlyChanged;
  const filtering = words.length > 0 || onlyChanged;
  let shown = 0;
  for (const details of byId('param-groups').querySelectorAll('details.group')) {
    let inGroup = 0;
    for (const field of details.querySelectorAll('.field')) {
      const haystack = normalise(field.dataset.search);
      const ok = words.every((w) => haystack.includes(w)) && (!onlyChanged || field.classList.contains('changed'));
      field.hidden = !ok;
      if (ok) inGroup += 1;
    }
    shown += inGroup;
    details.hidden = inGroup === 0;
    details.open = filtering ? inGroup > 0 : state.editor.openGroups.has(details.dataset.group);
  }
  byId('search-count').textContent = filtering ? t('editor.searchCount', {n: shown}) : '';
}

function setAllGroups(open) {
  for (const details of byId('param-groups').querySelectorAll('details.group')) {
    if (open) state.editor.openGroups.add(details.dataset.group);
    else state.editor.openGroups.delete(details.dataset.group);
  }
  applyFilter();
}

function resetAll() {
  state.editor.edits.clear();
  state.editor.errors = [];
  state.editor.checked = null;
  renderEditorValues();
  showErrors([]);
  showChecked();
}

/** Puts the base's values (and the edits over them) into the fields. */
export function renderEditorValues() {
  for (const param of state.parameters) {
    if (HIDDEN_KEYS.has(param.key)) continue;
    setInput(param);
    markField(param);
  }
  updateCounts();
  renderBaseInfo();
}

// --- the base rule set and the name ---------------------------------------------------------

function stem(id) {
  return String(id).split('/').pop().replace(/\.yaml$/, '');
}

/** Fills the base picker from the list of rule sets (after a save, too). */
export function renderBaseSelect() {
  const select = byId('base-select');
  clear(select);
  const project = state.scenarios.filter((s) => !s.editable);
  const own = state.scenarios.filter((s) => s.editable);
  const option = (s) => el('option', {value: s.id, selected: s.id === state.editor.baseId}, `${s.name} (${s.id})`);
  if (project.length) select.append(el('optgroup', {label: t('editor.projectRuleSets')}, project.map(option)));
  if (own.length) select.append(el('optgroup', {label: t('editor.ownRuleSets')}, own.map(option)));
  if (state.editor.baseId) select.value = state.editor.baseId;
  renderBaseInfo();
  showNameNote();
}

function renderBaseInfo() {
  const info = byId('base-info');
  clear(info);
  const base = state.editor.base;
  if (!base) return;
  const listed = state.scenarios.find((s) => s.id === base.id);
  info.append(el('span', {class: 'base-description'}, base.description || t('editor.noDescription')));
  if (base.extends) info.append(el('span', {class: 'base-extends'}, t('editor.extends', {base: base.extends})));
  info.append(el('span', {class: 'base-kind'}, listed?.editable ? t('editor.ownRuleSet') : t('editor.projectRuleSet')));
}

export async function loadBase(id) {
  if (!id) return;
  const select = byId('base-select');
  select.setAttribute('aria-busy', 'true');
  try {
    const base = await api(`/api/scenario${query({id})}`);
    state.editor.baseId = id;
    state.editor.base = base;
    // Edits stay (and those now equal to the new base's values are no longer changes).
    for (const param of state.parameters) {
      if (state.editor.edits.has(param.key) && !isChanged(param)) state.editor.edits.delete(param.key);
    }
    if (!state.editor.nameTouched) {
      state.editor.name = `${stem(id)}-edit`;
      byId('scenario-name').value = state.editor.name;
    }
    state.editor.errors = [];
    state.editor.checked = null;
    renderEditorValues();
    showErrors([]);
    showChecked();
    showNameNote();
  } catch (error) {
    notify(t('error.loadScenario', {id, message: error.message}));
    select.value = state.editor.baseId;
  } finally {
    select.removeAttribute('aria-busy');
  }
}

function nameProblem(name) {
  if (!name) return t('editor.nameMissing');
  if (!NAME_PATTERN.test(name)) return t('editor.nameInvalid');
  if (state.editor.baseId === `workspace/${name}.yaml`) return t('editor.nameIsBase');
  return '';
}

function showNameNote() {
  const note = byId('name-note');
  const name = state.editor.name;
  const problem = name ? nameProblem(name) : '';
  note.classList.toggle('name-problem', Boolean(problem));
  byId('scenario-name').setAttribute('aria-invalid', problem ? 'true' : 'false');
  if (problem) note.textContent = problem;
  else if (state.scenarios.some((s) => s.id === `workspace/${name}.yaml`)) note.textContent = t('editor.nameReplaces', {name});
  else note.textContent = t('editor.nameWhere', {name: name || '…'});
}

// --- check and save -------------------------------------------------------------------------

async function submit(save) {
  const name = byId('scenario-name').value.trim();
  state.editor.name = name;
  const problem = nameProblem(name);
  if (problem) {
    showNameNote();
    byId('scenario-name').focus();
    notify(problem);
    return;
  }
  const button = byId(save ? 'save-button' : 'check-button');
  const status = byId('check-status');
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  status.textContent = save ? t('editor.saving') : t('editor.checking');
  status.className = 'status-line';
  try {
    const answer = await api(save ? '/api/save' : '/api/check', {
      method: 'POST', body: {base: state.editor.baseId, name, changes: collectChanges()}});
    state.editor.errors = answer.errors || [];
    state.editor.checked = {ok: Boolean(answer.ok), yaml: answer.yaml || '', saved: save && Boolean(answer.ok),
      id: answer.id || null, name, base: state.editor.baseId};
    showErrors(state.editor.errors);
    showChecked();
    if (save && answer.ok) {
      byId('check-output').scrollIntoView({block: 'start', behavior: 'smooth'});
      await hooks.onSaved(answer.id);
    }
  } catch (error) {
    status.textContent = '';
    notify(t(save ? 'error.save' : 'error.check', {message: error.message}));
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

function errorKey(error) {
  // Keys of list items (rules.x[2]) belong to their parameter's field.
  return String(error.key || '').replace(/\[\d+\]$/, '');
}

function errorText(error) {
  const where = error.line > 0 ? t('editor.errorAt', {line: error.line, column: error.column}) : '';
  return where ? `${error.message} (${where})` : error.message;
}

/** The engine's errors: each next to its field, the rest in the general list. */
function showErrors(errors) {
  const groups = byId('param-groups');
  for (const node of groups.querySelectorAll('.field-error')) node.remove();
  for (const node of groups.querySelectorAll('.field.has-error')) {
    node.classList.remove('has-error');
    const input = node.querySelector('.param-input');
    input.removeAttribute('aria-invalid');
    input.setAttribute('aria-describedby', `${input.id}-info`);
  }
  const general = byId('general-errors');
  clear(general);
  const byKey = new Map();
  const rest = [];
  for (const error of errors || []) {
    const key = errorKey(error);
    if (key && fieldOf(key)) {
      if (!byKey.has(key)) byKey.set(key, []);
      byKey.get(key).push(error);
    } else rest.push(error);
  }
  let first = null;
  for (const [key, list] of byKey) {
    const field = fieldOf(key);
    const id = safeId('error', key);
    const node = el('div', {class: 'field-error', 'data-key': key, id},
      list.map((e) => el('div', {}, errorText(e))));
    field.append(node);
    field.classList.add('has-error');
    const input = field.querySelector('.param-input');
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', `${safeId('param', key)}-info ${id}`);
    field.hidden = false;
    const details = field.closest('details');
    details.hidden = false;
    details.open = true;
    first = first || field;
  }
  if (rest.length) {
    general.append(el('h3', {}, t('editor.generalErrors')),
      el('ul', {}, rest.map((e) => el('li', {class: 'general-error', 'data-key': e.key || ''},
        e.key ? el('code', {}, e.key) : null, e.key ? ': ' : '', errorText(e)))));
  }
  general.hidden = rest.length === 0;
  if (first && errors.length) first.scrollIntoView({block: 'center', behavior: 'smooth'});
}

function showChecked() {
  const checked = state.editor.checked;
  const status = byId('check-status');
  const output = byId('check-output');
  const pre = byId('yaml-output');
  const download = byId('download-link');
  const compare = byId('compare-saved');
  if (!checked) {
    status.textContent = '';
    status.className = 'status-line';
    output.hidden = true;
    return;
  }
  const n = state.editor.errors.length;
  if (!checked.ok) status.textContent = t('editor.errorsFound', {n});
  else if (checked.saved) status.textContent = t('editor.saved', {id: checked.id});
  else status.textContent = t('editor.checkedOk');
  status.className = `status-line ${checked.ok ? 'status-ok' : 'status-problem'}`;
  output.hidden = !checked.yaml;
  byId('yaml-caption').textContent = checked.saved ? t('editor.yamlSaved') : t('editor.yamlPreview');
  pre.textContent = checked.yaml;
  if (checked.saved && checked.id) {
    setLink(download, withToken(`/api/download${query({id: checked.id})}`));
    download.setAttribute('download', `${stem(checked.id)}.yaml`);
    download.hidden = false;
    compare.hidden = false;
  } else {
    setLink(download, null);
    download.hidden = true;
    compare.hidden = true;
  }
}
