"""The JSON Schema of the scenario format (`valinta schema`) against the loader (`valinta validate`).

Editors check scenarios with the schema; the engine checks them with the loader. The two must
agree: every shipped scenario and every form the loader reads is accepted by the schema, and a
misspelt key is refused by both, each naming the key.

The schema is checked as an editor reads YAML: YAML 1.2 (the core schema of yaml-language-server
and of most editors), in which `2017-02-01` and `yes` are strings, not a date and a boolean.

The binary is $VALINTA_BIN, else build/release/valinta in this repository. Run with Debian's
Python: /usr/bin/python3 -m pytest -q tests/schema
"""

import json
import re
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import jsonschema
import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from engine_binary import valinta_binary  # noqa: E402

REPO_DIR = Path(__file__).resolve().parents[2]
SCENARIOS = REPO_DIR / "scenarios"
# Sweep designs (`valinta sweep`) and calibration sets (`valinta calibrate`) live beside the
# scenarios but are files of their own formats: they name scenarios, they are not scenarios.
NOT_SCENARIO_DIRS = {"sweeps": ("scenario", "design"), "calibration": ("scenarios", "targets")}
DRAFT_07 = "http://json-schema.org/draft-07/schema#"


# --- The engine ----------------------------------------------------------------------------------

def valinta(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(valinta_binary()), *args], capture_output=True, text=True, timeout=120)


def loader_verdict(path: Path) -> tuple[int, str]:
    """`valinta validate FILE`: its exit code (0 good, 2 bad) and everything it printed."""
    result = valinta("validate", str(path))
    return result.returncode, result.stdout + result.stderr


@pytest.fixture(scope="session")
def schema() -> dict:
    result = valinta("schema")
    assert result.returncode == 0, f"valinta schema failed:\n{result.stderr}"
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def validator(schema) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(schema)


# --- YAML as an editor reads it --------------------------------------------------------------------

class Yaml12Loader(yaml.SafeLoader):
    """PyYAML reads YAML 1.1 (`yes` is true, `2017-02-01` a date, `010` octal, `<<` a merge);
    this loader resolves plain scalars by the YAML 1.2 core schema instead."""


Yaml12Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in [
        ("null", r"~|null|Null|NULL|", "~nN"),
        ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
        ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
        ("float", r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"
                  r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)", "-+.0123456789")]:
    Yaml12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(f"^(?:{_pattern})$"),
                                       list(_first) + ([None] if _tag == "null" else []))


def _construct_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


def _construct_float(loader, node):
    text = loader.construct_scalar(node).lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    return float(text)


Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
Yaml12Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def read_yaml(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)


def test_yaml_is_read_as_yaml_1_2():
    data = yaml.load("a: 2017-02-01\nb: yes\nc: True\nd: 010\ne: 1e3\nf: .5\ng: 0x10\nh:\n",
                     Loader=Yaml12Loader)
    assert data == {"a": "2017-02-01", "b": "yes", "c": True, "d": 10, "e": 1000.0, "f": 0.5,
                    "g": 16, "h": None}


def schema_errors(validator, path: Path) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top level)'}: {e.message}"
            for e in validator.iter_errors(read_yaml(path))]


# --- The schema itself -----------------------------------------------------------------------------

def test_schema_is_a_draft_07_schema(schema):
    jsonschema.Draft7Validator.check_schema(schema)
    # Validators find the draft by this exact id; any other (https:, no '#') is an unknown
    # meta-schema that Ajv (and so VS Code's YAML support) cannot load.
    assert schema.get("$schema") == DRAFT_07
    assert jsonschema.validators.validator_for(schema, default=None) is jsonschema.Draft7Validator


# --- Every shipped scenario --------------------------------------------------------------------------

def _scenario_files() -> list[Path]:
    return sorted(p for p in SCENARIOS.rglob("*.yaml")
                  if p.relative_to(SCENARIOS).parts[0] not in NOT_SCENARIO_DIRS)


SCENARIO_FILES = _scenario_files()


def _ids(paths):
    return [str(p.relative_to(SCENARIOS)) for p in paths]


def test_files_left_out_are_sweeps_and_calibration_sets():
    for directory, keys in NOT_SCENARIO_DIRS.items():
        files = sorted((SCENARIOS / directory).rglob("*.yaml"))
        for path in files:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            assert isinstance(data, dict) and all(k in data for k in keys), (
                f"{path.relative_to(REPO_DIR)} is not a {directory[:-1]} file (no {' and '.join(keys)}): "
                f"if it is a scenario, move it out of scenarios/{directory}/")


def test_scenarios_are_found():
    assert len(SCENARIO_FILES) >= 10
    assert SCENARIOS / "keski-suomi.yaml" in SCENARIO_FILES
    assert SCENARIOS / "pilots" / "jyte.yaml" in SCENARIO_FILES


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=_ids(SCENARIO_FILES))
def test_shipped_scenario_is_accepted_by_loader_and_schema(path, validator):
    code, output = loader_verdict(path)
    assert code == 0, f"valinta validate refuses a shipped scenario:\n{output}"
    errors = schema_errors(validator, path)
    assert not errors, (f"the schema refuses {path.relative_to(REPO_DIR)}, which the loader accepts:\n  "
                        + "\n  ".join(errors))


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=_ids(SCENARIO_FILES))
def test_resolved_scenario_is_accepted_by_loader_and_schema(path, validator, tmp_path):
    """`valinta show` writes every key with its value, every list entry with all its fields."""
    shown = valinta("show", str(path))
    assert shown.returncode == 0, shown.stderr
    resolved = tmp_path / path.name
    resolved.write_text(shown.stdout, encoding="utf-8")
    code, output = loader_verdict(resolved)
    assert code == 0, f"valinta validate refuses what valinta show wrote:\n{output}"
    errors = schema_errors(validator, resolved)
    assert not errors, (f"the schema refuses `valinta show {path.relative_to(REPO_DIR)}`, which the loader "
                        f"accepts:\n  " + "\n  ".join(errors))


# --- Small scenarios ---------------------------------------------------------------------------------

# A run of a year with two zones given inline, so that a case needs no data files; a case that
# gives its own `time` or `zones`, or extends another file, goes without them.
TIME = "time: {start_date: 2017-02-01, steps: 52}\n"
ZONES = """\
zones:
  - {name: A, population: 1000, lat: 62.0, lon: 25.0}
  - {name: B, population: 500, lat: 62.1, lon: 25.1}
"""
PRODUCERS = """\
producers:
  - {name: P, zone: A}
  - {name: Q, zone: B, sector: private, capacity_per_week: 100}
"""


def write_case(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.yaml"
    given = set(re.findall(r"^([a-z_]+):", text, re.M))
    prefix = "" if "extends" in given else \
        ("" if "time" in given else TIME) + ("" if "zones" in given else ZONES)
    path.write_text(prefix + text, encoding="utf-8")
    return path


# Forms the loader reads: every value form of the fields that take several, every kind of list
# entry with every field. The loader accepts each; so must the schema.
ACCEPTED = {
    "events_of_every_type": PRODUCERS + dedent("""\
        events:
          - {date: 2017-04-01, type: rule_change, set: {rules.min_listing_months: 3, choice.inertia: 1.5}}
          - {date: 2017-04-01, type: open, producer: Q}
          - {date: 2017-05-01, type: close, producer: Q}
          - {date: 2017-05-01, type: capacity_shock, producer: P, factor: 0.5}
          - {date: 2017-05-01, type: capacity_shock, sector: private, factor: 0.5}
          - {date: 2017-06-01, type: campaign, zones: [A], share: 0.2}
          - {date: 2017-06-01, type: campaign}
          - {date: 2017-06-01, type: demand_shock, zones: [A, B], factor: 1.2, weeks: 4}
          - {date: 2017-07-01, type: stop_listing, producer: P}
        """),
    "event_written_in_block_style": dedent("""\
        events:
          - date: 2017-04-01
            type: rule_change
            set:
              rules.information: word_of_mouth
              demand.visit_rate: [0.01, 0.05, 0.2, 0.6]
              rules.fee_for_service_eur: 10
              market.entry_hurdle: 0.2
        """),
    "event_with_empty_set_and_zones": PRODUCERS + dedent("""\
        events:
          - {date: 2017-04-01, type: open, producer: Q, set: {}, zones: []}
        """),
    "event_fields_of_another_type": PRODUCERS + dedent("""\
        events:
          - {date: 2017-04-01, type: close, producer: Q, share: 0.5, weeks: 2, factor: 1}
        """),
    "events_empty": "events: []\n",
    "chains_with_every_field": dedent("""\
        market: {enabled: true}
        chains:
          - {name: C, sector: third_sector, capacity_per_week: 10, quality: 1, digital: 0.2, hurdle: auto}
          - {name: D}
          - {name: E, sector: private, hurdle: 0.1}
        """),
    "chains_empty": "chains: []\n",
    "producer_with_every_field": dedent("""\
        producers:
          - name: P
            sector: third_sector
            owner: O
            zone: A
            lat: 62
            lon: 25
            capacity_per_week: 100
            listing_cap: 500
            quality: -1
            digital: 1
            digital_first: true
            doctor_share: 0.5
            cost_per_visit_eur: 40
            fixed_cost_eur_per_capacity_week: 3
            referral_propensity: 0.5
            opens: 2017-03-01
            closes: "2017-12-01"
        """),
    "producer_fields_auto": dedent("""\
        producers:
          - {name: P, zone: A, capacity_per_week: auto, doctor_share: auto, cost_per_visit_eur: auto,
             fixed_cost_eur_per_capacity_week: auto}
        """),
    "producers_empty": "producers: []\n",
    "zone_with_every_field": dedent("""\
        pilot: {zones: [C]}
        zones:
          - {name: C, code: "179", population: 1000, lat: 62, lon: 25, spread_km: 3,
             age_band_shares: [0.1, 0.1, 0.1, 0.2, 0.2, 0.1, 0.1, 0.1], female_share: 0.5,
             employed_share: 0.5, median_income_eur: 25000}
          - {name: D, population: 10, lat: 62, lon: 25, spread_km: auto, female_share: auto,
             employed_share: auto, median_income_eur: auto}
        """),
    "per_sector_lists_flow_and_block": dedent("""\
        producers_default:
          cost_per_visit_eur:
            - 40
            - 41.5
            - 42
        rules: {fees_by_sector: true, client_fee_doctor_eur_by_sector: [20, 0, 20.9]}
        payment: {risk_weight_sex: [1, 1.05]}
        """),
    "dates_plain_and_quoted": dedent("""\
        pilot: {zones: [A], start_date: "2017-03-01", end_date: '2017-12-31'}
        """),
    "numbers_in_every_form_the_loader_reads": dedent("""\
        seed: 4294967295
        choice: {inertia: .5, awareness_per_year: 8e-1}
        market: {entry_hurdle: -0.5, exit_after_quarters: 03}
        service: {capacity_ratio: 1.}
        """),
    "booleans_true_false": "rules: {risk_adjustment: true}\nmarket: {enabled: false}\n",
    "anchors_and_aliases": dedent("""\
        zones:
          - {name: A, population: &size 1000, lat: &lat 62, lon: 25}
          - {name: B, population: *size, lat: *lat, lon: 25.1}
        pilot: {zones: &pilot [A, B]}
        """),
    "empty_text": "name: ''\ndescription: \"\"\n",
    "extends_another_file": f"extends: {SCENARIOS / 'keski-suomi.yaml'}\nrules: {{min_listing_months: 3}}\n",
}


@pytest.mark.parametrize("case", ACCEPTED)
def test_loader_and_schema_accept(case, validator, tmp_path):
    path = write_case(tmp_path, ACCEPTED[case])
    code, output = loader_verdict(path)
    assert code == 0, f"(the case is wrong) valinta validate refuses it:\n{output}"
    errors = schema_errors(validator, path)
    assert not errors, "the schema refuses what the loader accepts:\n  " + "\n  ".join(errors)


# Forms the loader reads as text but YAML 1.2 types otherwise: a quoted number, `yes`, a name that
# is a number; keys written dotted (as in --set); a group with every key commented out. Whether
# each belongs to the format is for the format to decide; schema and loader must decide alike.
READ_AS_TEXT = {
    "quoted_real": 'choice: {inertia: "2.5"}\n',
    "quoted_integer": 'time: {steps: "52"}\n',
    "str_tagged_integer": "zones:\n  - {name: C, population: !!str 1000, lat: 62, lon: 25}\n",
    "boolean_yes_no": "rules: {risk_adjustment: yes}\nmarket: {enabled: no}\n",
    "quoted_boolean": 'rules: {risk_adjustment: "true"}\n',
    "name_that_is_a_number": "name: 2018\n",
    "description_that_is_a_boolean": "description: true\n",
    "zone_code_unquoted": "zones:\n  - {name: C, code: 179, population: 1000, lat: 62, lon: 25}\n",
    "zone_names_that_are_numbers": "zones:\n  - {name: 123, population: 1000, lat: 62, lon: 25}\n"
                                   "pilot: {zones: [123]}\n",
    "quoted_number_in_event_set": 'events:\n  - {date: 2017-04-01, type: rule_change, '
                                  'set: {choice.inertia: "1"}}\n',
    "dotted_keys": "rules.min_listing_months: 6\nchoice.inertia: 2\n",
    "dotted_keys_in_a_group": "payment: {risk_weight_sex: [1, 1.1]}\nrules: {fees_by_sector: false}\n"
                              "producers_default.cost_per_visit_eur: [1, 2, 3]\n",
    "group_without_keys": "rules:\nmarket:\n",
}


@pytest.mark.parametrize("case", READ_AS_TEXT)
def test_loader_and_schema_agree_on_scalars(case, validator, tmp_path):
    path = write_case(tmp_path, READ_AS_TEXT[case])
    code, output = loader_verdict(path)
    assert code in (0, 2), f"valinta validate exited with {code}:\n{output}"
    errors = schema_errors(validator, path)
    if code == 0:
        assert not errors, "the schema refuses what the loader accepts:\n  " + "\n  ".join(errors)
    else:
        assert errors, f"the schema accepts what the loader refuses:\n{output}"


# Misspelt keys and misshapen entries at every level: the loader's key for the problem (as it
# reports it) and the place in the document where the schema must report it, with the name the
# schema's error must mention.
REJECTED = {
    "misspelt_top_level_key": ("pilott: {zones: [A]}\n", "pilott", [], "pilott"),
    "misspelt_nested_key": ("choice: {inertai: 1.0}\n", "choice.inertai", ["choice"], "inertai"),
    "misspelt_producer_field": ("producers:\n  - {name: P, zone: A, sectr: private}\n",
                                "producers[0].sectr", ["producers", 0], "sectr"),
    "misspelt_zone_field": ("zones:\n  - {name: C, population: 10, lat: 62, lon: 25, sprad_km: 3}\n",
                            "zones[0].sprad_km", ["zones", 0], "sprad_km"),
    "misspelt_event_field": (PRODUCERS + "events:\n  - {date: 2017-05-20, type: stop_listing, "
                             "producer: Q, producr: P}\n", "events[0].producr", ["events", 0], "producr"),
    "misspelt_parameter_in_event_set": ("events:\n  - {date: 2017-05-20, type: rule_change, "
                                        "set: {choice.inertai: 1}}\n",
                                        "events[0].set.choice.inertai", ["events", 0, "set"], "choice.inertai"),
    "misspelt_chain_field": ("chains:\n  - {name: C, sectr: private}\n", "chains[0].sectr",
                             ["chains", 0], "sectr"),
    "event_set_nested_not_dotted": ("events:\n  - {date: 2017-05-20, type: rule_change, "
                                    "set: {rules: {min_listing_months: 3}}}\n",
                                    "events[0].set.rules", ["events", 0, "set"], "rules"),
    "event_set_of_a_setting_fixed_for_the_run": ("events:\n  - {date: 2017-05-20, type: campaign, "
                                                 "set: {time.steps: 3}}\n", "events[0].set.time.steps",
                                                 ["events", 0, "set"], "time.steps"),
    "event_without_type": ("events:\n  - {date: 2017-05-20, set: {choice.inertia: 1}}\n",
                           "events[0].type", ["events", 0], "type"),
    "event_of_unknown_type": ("events:\n  - {date: 2017-05-20, type: reopen}\n",
                              "events[0].type", ["events", 0, "type"], "reopen"),
    "event_set_not_a_mapping": ("events:\n  - {date: 2017-05-20, type: rule_change, set: [a]}\n",
                                "events[0].set", ["events", 0, "set"], "set"),
    "events_not_a_list": ("events: {date: 2017-05-20, type: campaign}\n", "events", ["events"], "events"),
    "chain_without_name": ("chains:\n  - {sector: private}\n", "chains[0].name", ["chains", 0], "name"),
    "chain_of_the_public_sector": ("chains:\n  - {name: C, sector: public}\n", "chains[0].sector",
                                   ["chains", 0, "sector"], "public"),
    "zone_without_lat": ("zones:\n  - {name: C, population: 10, lon: 25}\n", "zones[0].lat",
                         ["zones", 0], "lat"),
    "producer_without_zone": ("producers:\n  - {name: P}\n", "producers[0].zone", ["producers", 0], "zone"),
    "auto_where_it_is_not_allowed": ("producers:\n  - {name: P, zone: A, lat: auto, lon: 25}\n",
                                     "producers[0].lat", ["producers", 0, "lat"], "auto"),
    "per_sector_list_too_short": ("producers_default: {cost_per_visit_eur: [40, 41]}\n",
                                  "producers_default.cost_per_visit_eur",
                                  ["producers_default", "cost_per_visit_eur"], "cost_per_visit_eur"),
    "date_without_a_month": ("pilot: {start_date: 2017-13-01}\n", "pilot.start_date",
                             ["pilot", "start_date"], "2017-13-01"),
    "extends_not_a_path": ("extends: [keski-suomi.yaml]\n", "extends", ["extends"], "extends"),
}


@pytest.mark.parametrize("case", REJECTED)
def test_loader_and_schema_refuse(case, validator, tmp_path):
    text, loader_key, where, name = REJECTED[case]
    path = write_case(tmp_path, text)
    code, output = loader_verdict(path)
    assert code == 2, f"(the case is wrong) valinta validate exits with {code}:\n{output}"
    assert f"{loader_key}:" in output, f"(the case is wrong) valinta validate does not name {loader_key}:\n{output}"
    errors = list(validator.iter_errors(read_yaml(path)))
    assert errors, f"the schema accepts what the loader refuses:\n{output}"
    found = [e for e in errors
             if list(e.absolute_path)[:len(where)] == where
             and (name in map(str, e.absolute_path) or name in e.message)]
    assert found, (f"the schema refuses it, but not at {'/'.join(map(str, where)) or '(top level)'} for "
                   f"'{name}' as the loader does ({loader_key}):\n  "
                   + "\n  ".join(f"{'/'.join(map(str, e.absolute_path)) or '(top level)'}: {e.message}"
                                 for e in errors))


# --- `valinta validate --json`: the same errors for tools --------------------------------------------

def as_text(error: dict) -> str:
    """An error of the JSON report written as the text form prints it (Diagnostic::format)."""
    where = error["file"] + (f":{error['line']}:{error['column']}" if error["line"] > 0 else "")
    return f"{where}: error: {error['key']}: {error['message']}" if error["key"] else f"{where}: error: {error['message']}"


JSON_CASES = dict(REJECTED, awkward_characters=(
    'rules: {min_listing_months: "ä\\"\\\\ \\t x"}\n"key with ä \\" and \\\\": 1\n', "rules.min_listing_months",
    None, None))


@pytest.mark.parametrize("case", JSON_CASES)
def test_validate_json_reports_exactly_the_errors_of_the_text(case, tmp_path):
    path = write_case(tmp_path, JSON_CASES[case][0])
    text = valinta("validate", str(path))
    report = valinta("validate", "--json", str(path))
    assert report.returncode == text.returncode == 2, report.stdout + report.stderr
    assert report.stderr == "", f"--json prints nothing but the report:\n{report.stderr}"
    parsed = json.loads(report.stdout)
    assert [f["file"] for f in parsed["files"]] == [str(path)] and parsed["files"][0]["ok"] is False
    errors = parsed["files"][0]["errors"]
    assert parsed["errors"] == len(errors) > 0
    for e in errors:
        assert set(e) == {"file", "line", "column", "key", "message"} and e["line"] >= 0 and e["column"] >= 0
    printed = [line for line in text.stderr.splitlines() if ": error: " in line]
    assert [as_text(e) for e in errors] == printed


def test_validate_json_of_good_and_missing_files(tmp_path):
    good = SCENARIOS / "keski-suomi.yaml"
    missing = tmp_path / "no such.yaml"
    result = valinta("validate", "--json", str(good), str(missing))
    assert result.returncode == 2, result.stdout + result.stderr
    files = json.loads(result.stdout)["files"]
    assert files[0] == {"file": str(good), "ok": True, "errors": []}
    assert files[1]["ok"] is False and files[1]["errors"][0]["file"] == str(missing)
    result = valinta("validate", "--json", str(good))
    assert result.returncode == 0 and json.loads(result.stdout) == {"files": files[:1], "errors": 0}


def test_validate_json_stays_valid_with_a_file_name_that_is_not_utf8(tmp_path):
    # A file name in another encoding (Latin-1 'café'): the report names it with U+FFFD for the
    # byte that is not UTF-8, and is still a JSON document any reader takes.
    name = str(tmp_path).encode() + b"/caf\xe9 \"quoted\".yaml"
    result = subprocess.run([str(valinta_binary()), "validate", "--json", name], capture_output=True, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    report = json.loads(result.stdout.decode("utf-8"))
    entry = report["files"][0]
    assert entry["ok"] is False and entry["file"].endswith("/caf\ufffd \"quoted\".yaml"), entry
    assert entry["errors"] and entry["errors"][0]["file"] == entry["file"], entry
