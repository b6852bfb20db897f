// The comparison's results in words and numbers: which rules differ from the baseline's, and a
// table of indicators with each rule set's mean, its paired difference from the baseline and
// the 95 % interval of that difference. Two separate marks: "clear" (the interval excludes zero)
// and "large enough to matter" (the difference reaches a threshold the user can set per
// indicator). Shares are shown in per cent and their differences in percentage points. Then the
// service package of the whole area in the same form (without thresholds).

import { withToken } from './api.js';
import { t, indicatorLabel, packageLabel } from './i18n.js';
import { appendUnit, decimalsFor, formatNumber, formatValue, unitText } from './format.js';
import { state } from './state.js';
import { scenarioColour } from './palette.js';
import { el, clear, byId, safeId, setLink } from './ui.js';

// Thresholds the user typed, kept for the next comparison of this visit.
const userThresholds = new Map();

/** Per cent for shares (fractions), the indicator's own units otherwise. */
function scaled(indicator, value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return indicator.share ? value * 100 : value;
}

/**
 * The unit written after a number in the table: % and %-points for shares (so that the two are
 * never confused), short units (days, EUR) as they are; longer units stand under the
 * indicator's name.
 */
function cellUnit(indicator, difference) {
  if (indicator.share) return difference ? t('unit.percentPointsShort') : '%';
  const unit = unitText(indicator.units);
  return unit.length <= 9 ? unit : '';
}

function differenceUnit(indicator) {
  return indicator.share ? t('unit.percentPoints') : unitText(indicator.units);
}

/** Sets the thresholds of a new comparison: the user's where given, else the API's defaults. */
export function initThresholds(comparison) {
  state.results.thresholds = new Map();
  for (const indicator of comparison.indicators || []) {
    const given = userThresholds.get(indicator.key);
    // Three significant digits: the threshold used is the one the field shows.
    const fallback = Number.isFinite(indicator.threshold) ? Number(indicator.threshold.toPrecision(3)) : null;
    state.results.thresholds.set(indicator.key, given ?? fallback);
  }
}

function matters(indicator, row) {
  const threshold = state.results.thresholds.get(indicator.key);
  const difference = scaled(indicator, row.difference);
  if (difference === null) return null;
  if (threshold === null || threshold === undefined || !Number.isFinite(threshold)) return null;
  return threshold > 0 ? Math.abs(difference) >= threshold : Math.abs(difference) > 0;
}

function identical(row) {
  return row.difference === 0 && row.low === 0 && row.high === 0;
}

function clearCell(row) {
  if (identical(row)) return el('td', {class: 'mark-cell', 'data-clear': 'identical'},
    el('span', {class: 'mark mark-none'}, t('results.identical')));
  if (row.clear) return el('td', {class: 'mark-cell', 'data-clear': 'yes'},
    el('span', {class: 'mark mark-clear'}, el('span', {'aria-hidden': 'true'}, '● '), t('results.clear')));
  return el('td', {class: 'mark-cell', 'data-clear': 'no'},
    el('span', {class: 'mark mark-none'}, el('span', {'aria-hidden': 'true'}, '○ '), t('results.notClear')));
}

function largeCellContent(indicator, row) {
  const result = matters(indicator, row);
  if (result === null) return [el('span', {class: 'mark mark-none'}, t('results.noThreshold'))];
  if (result) return [el('span', {class: 'mark mark-large'}, el('span', {'aria-hidden': 'true'}, '▲ '), t('results.large'))];
  return [el('span', {class: 'mark mark-none'}, el('span', {'aria-hidden': 'true'}, '△ '), t('results.small'))];
}

function updateLargeMarks(indicator) {
  for (const row of indicator.by_scenario) {
    const cell = byId('indicator-table').querySelector(
      `tr[data-indicator="${CSS.escape(indicator.key)}"][data-scenario="${CSS.escape(row.scenario)}"] td.large-cell`);
    if (!cell) continue;
    clear(cell).append(...largeCellContent(indicator, row));
    cell.dataset.large = String(matters(indicator, row));
  }
}

function thresholdInput(indicator) {
  const id = safeId('threshold', indicator.key);
  const value = state.results.thresholds.get(indicator.key);
  const input = el('input', {type: 'number', id, 'data-threshold': indicator.key, min: '0', step: 'any',
    inputmode: 'decimal', value: value ?? '', class: 'threshold-input'});
  input.addEventListener('input', () => {
    const n = input.value.trim() === '' ? null : Number(input.value);
    const ok = n === null || (Number.isFinite(n) && n >= 0);
    input.setAttribute('aria-invalid', ok ? 'false' : 'true');
    if (!ok) return;
    state.results.thresholds.set(indicator.key, n);
    userThresholds.set(indicator.key, n);
    updateLargeMarks(indicator);
  });
  const label = el('label', {for: id, class: 'visually-hidden'},
    t('results.thresholdFor', {indicator: indicatorLabel(indicator.key, indicator.label)}));
  return [label, input, el('span', {class: 'threshold-unit'}, differenceUnit(indicator) || t('unit.none'))];
}

/**
 * A table of indicators: each rule set's mean, its difference from the baseline and the interval,
 * whether it is clear and, with `thresholds`, whether it is large enough to matter. `labelOf`
 * gives an indicator's name in the page's language.
 */
function renderIndicatorTable(table, comparison, indicators, caption, thresholds, labelOf) {
  clear(table);
  const confidence = Math.round((comparison.confidence || 0.95) * 100);
  table.append(el('caption', {}, caption));
  table.append(el('thead', {}, el('tr', {},
    el('th', {scope: 'col'}, t('results.indicator'), el('span', {class: 'header-note'}, t('results.unitNote'))),
    el('th', {scope: 'col', class: 'num'}, t('results.baselineMean', {baseline: comparison.baseline})),
    el('th', {scope: 'col'}, t('results.ruleSet')),
    el('th', {scope: 'col', class: 'num'}, t('results.mean')),
    el('th', {scope: 'col', class: 'num'}, t('results.difference')),
    el('th', {scope: 'col', class: 'num'}, t('results.interval', {c: confidence})),
    el('th', {scope: 'col'}, t('results.clearHeader')),
    ...(thresholds ? [el('th', {scope: 'col'}, t('results.largeHeader')),
      el('th', {scope: 'col'}, t('results.threshold'))] : []))));
  const labels = comparison.scenarios || [];
  for (const indicator of indicators) {
    const body = el('tbody', {'data-indicator': indicator.key});
    const rows = indicator.by_scenario || [];
    const levels = [indicator.baseline_mean, ...rows.map((r) => r.mean)].map((v) => scaled(indicator, v));
    const levelDecimals = Math.min(indicator.share ? 2 : 6, decimalsFor(levels));
    const spread = rows.flatMap((r) => [r.difference, r.low, r.high]).map((v) => scaled(indicator, v));
    const differenceDecimals = Math.max(levelDecimals, Math.min(6, decimalsFor(spread)));
    const label = labelOf(indicator);
    rows.forEach((row, k) => {
      const span = {rowspan: rows.length};
      const tr = el('tr', {'data-indicator': indicator.key, 'data-scenario': row.scenario});
      if (k === 0) {
        tr.append(
          el('th', {scope: 'rowgroup', ...span, class: 'indicator-name'}, label,
            el('span', {class: 'indicator-unit'},
              indicator.share ? t('unit.shareExplained') : (unitText(indicator.units) || t('unit.none')))),
          el('td', {...span, class: 'num baseline-cell'},
            appendUnit(formatNumber(scaled(indicator, indicator.baseline_mean), {decimals: levelDecimals}), cellUnit(indicator, false))));
      }
      const colour = scenarioColour(Math.max(0, labels.indexOf(row.scenario)));
      tr.append(
        el('td', {class: 'scenario-cell'}, el('span', {class: 'swatch', style: `background:${colour}`, 'aria-hidden': 'true'}), row.scenario),
        el('td', {class: 'num mean-cell'},
          appendUnit(formatNumber(scaled(indicator, row.mean), {decimals: levelDecimals}), cellUnit(indicator, false))),
        el('td', {class: 'num difference-cell'},
          appendUnit(formatNumber(scaled(indicator, row.difference), {decimals: differenceDecimals, signed: true}),
            cellUnit(indicator, true))),
        el('td', {class: 'num interval'},
          t('results.range', {
            low: formatNumber(scaled(indicator, row.low), {decimals: differenceDecimals}),
            high: formatNumber(scaled(indicator, row.high), {decimals: differenceDecimals})})),
        clearCell(row));
      if (thresholds) {
        tr.append(el('td', {class: 'mark-cell large-cell', 'data-large': String(matters(indicator, row))},
          ...largeCellContent(indicator, row)));
        if (k === 0) tr.append(el('td', {...span, class: 'threshold-cell'}, ...thresholdInput(indicator)));
      }
      body.append(tr);
    });
    table.append(body);
  }
}

function parameterWords(key) {
  const param = state.parameterByKey.get(key);
  return {meaning: param?.meaning || '', unit: unitText(param?.unit || '')};
}

function valueText(value, unit) {
  const text = formatValue(value);
  return typeof value === 'number' ? appendUnit(text, unit) : text;
}

function renderRuleDifferences(comparison) {
  const box = byId('rule-differences');
  clear(box);
  const labels = (comparison.scenarios || []).filter((s) => s !== comparison.baseline);
  const all = comparison.rule_differences || [];
  for (const label of labels) {
    const mine = all.filter((d) => d.scenario === label);
    // Parameters first; the lists (zones, producers, events) after them.
    mine.sort((a, b) => Number(b.parameter !== false) - Number(a.parameter !== false));
    const section = el('section', {class: 'rule-set-differences', 'data-scenario': label},
      el('h4', {}, t('results.rulesOf', {scenario: label, baseline: comparison.baseline, n: mine.length})));
    if (!mine.length) {
      section.append(el('p', {class: 'muted'}, t('results.noRuleDifferences')));
    } else {
      const list = el('table', {class: 'rules-table'},
        el('thead', {}, el('tr', {},
          el('th', {scope: 'col'}, t('results.rule')),
          el('th', {scope: 'col'}, t('results.ruleMeaning')),
          el('th', {scope: 'col'}, t('results.ruleChange', {baseline: comparison.baseline, scenario: label})))));
      const body = el('tbody');
      for (const d of mine) {
        const {meaning, unit} = parameterWords(d.key);
        const long = String(d.baseline).length + String(d.value).length > 160;
        const change = long
          ? el('details', {}, el('summary', {}, t('results.longDifference')),
            el('div', {class: 'long-value'}, el('strong', {}, `${comparison.baseline}: `), formatValue(d.baseline)),
            el('div', {class: 'long-value'}, el('strong', {}, `${label}: `), formatValue(d.value)))
          : el('span', {class: 'rule-change'},
            el('span', {class: 'rule-old'}, valueText(d.baseline, unit)),
            el('span', {class: 'arrow', 'aria-label': t('results.becomes')}, ' → '),
            el('span', {class: 'rule-new'}, valueText(d.value, unit)));
        body.append(el('tr', {'data-key': d.key},
          el('th', {scope: 'row'}, el('code', {}, d.key)),
          el('td', {class: 'rule-meaning'}, meaning || (d.parameter === false ? t('results.notAParameter') : '')),
          el('td', {}, change)));
      }
      list.append(body);
      section.append(list);
    }
    box.append(section);
  }
}

export function renderResults() {
  const comparison = state.results.comparison;
  byId('results-empty').hidden = Boolean(comparison);
  byId('results-body').hidden = !comparison;
  if (!comparison) return;
  const job = state.run.job;
  const others = (comparison.scenarios || []).filter((s) => s !== comparison.baseline);
  byId('results-summary').textContent = t('results.summary', {
    baseline: comparison.baseline, others: others.join(', '), r: comparison.replications});
  const jobId = state.results.jobId;
  setLink(byId('export-report'), withToken(`/api/jobs/${encodeURIComponent(jobId)}/report`));
  setLink(byId('export-h5'), withToken(`/api/jobs/${encodeURIComponent(jobId)}/results.h5`));
  byId('export-report').setAttribute('download', `comparison-${jobId}.html`);
  byId('export-h5').setAttribute('download', `comparison-${jobId}.h5`);
  renderRuleDifferences(comparison);
  const confidence = Math.round((comparison.confidence || 0.95) * 100);
  renderIndicatorTable(byId('indicator-table'), comparison, comparison.indicators || [],
    t('results.tableCaption', {baseline: comparison.baseline, c: confidence}), true,
    (indicator) => indicatorLabel(indicator.key, indicator.label));
  const pkg = comparison.package || [];
  byId('package-section').hidden = pkg.length === 0;
  renderIndicatorTable(byId('package-table'), comparison, pkg,
    t('results.packageCaption', {baseline: comparison.baseline, c: confidence}), false,
    (indicator) => packageLabel(indicator.key, indicator.label));
  if (job && job.seconds) byId('results-time').textContent = t('results.time', {seconds: formatNumber(job.seconds, {decimals: 0})});
}
