// What the page knows and what the user has chosen, shared by the views. Views read it and
// re-draw themselves from it, so a change of language re-draws everything without losing edits.

export const state = {
  parameters: [],            // GET /api/parameters, in declaration order
  parameterByKey: new Map(),
  scenarios: [],             // GET /api/scenarios
  editor: {
    baseId: '',
    base: null,              // GET /api/scenario?id=baseId
    edits: new Map(),        // key -> what the field holds (text, or true/false for a checkbox)
    name: '',
    nameTouched: false,
    search: '',
    onlyChanged: false,
    openGroups: new Set(['rules']),
    errors: [],              // the engine's errors of the last check or save
    checked: null,           // {ok, yaml, saved, id} of the last check or save
  },
  run: {
    selected: [],            // scenario ids in order, the first the baseline
    replications: 5,
    job: null,               // GET /api/jobs/JOB while a job runs or after it ended
  },
  results: {
    jobId: null,
    comparison: null,
    thresholds: new Map(),   // indicator key -> threshold (the indicator's units, %-points for shares)
    seriesList: [],
    seriesName: '',
    picks: {},               // dimension -> label ('' for all)
    series: null,
    mapIndicator: '',
    mapScenario: '',
    mapDifference: true,
    mapZoom: true,
    map: null,
  },
  geo: null,
};

export function setParameters(list) {
  state.parameters = list;
  state.parameterByKey = new Map(list.map((p) => [p.key, p]));
}
