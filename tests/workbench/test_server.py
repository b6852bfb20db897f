"""The workbench server's safety rules and API (docs/workbench.md), over HTTP against a real
server started as users start it: requests without the token or for another host are refused,
no path outside the scenarios and the workspace is read, edits are checked by the engine, and a
comparison runs in the background, can be cancelled and gives differences with intervals and the
rules that differ.

VALINTA_BIN=build/release/valinta /usr/bin/python3 -m pytest tests/workbench
"""

import http.client
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from engine_binary import valinta_binary  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
pytest.importorskip("flask")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    binary = valinta_binary()
    workspace = tmp_path_factory.mktemp("workspace")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "analysis"), VALINTA_BIN=str(binary))
    process = subprocess.Popen([sys.executable, "-m", "valinta_workbench", "--port", "0", "--no-browser",
                                "--workspace", str(workspace), "--threads", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=workspace)
    line = process.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", line)
    assert m, f"no address printed: {line!r} {process.stderr.read() if process.poll() is not None else ''}"
    port, token = int(m.group(1)), m.group(2)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/")
            break
        except OSError:
            time.sleep(0.1)
    yield {"port": port, "token": token, "workspace": workspace}
    process.terminate()
    process.wait(timeout=10)


def call(server, method, path, body=None, token=True, host=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=120)
    sent = {"Host": host or f"127.0.0.1:{server['port']}"}
    if token:
        sent["X-Valinta-Token"] = server["token"]
    if body is not None:
        sent["Content-Type"] = "application/json"
        body = json.dumps(body)
    sent.update(headers or {})
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    data = response.read()
    kind = response.getheader("Content-Type", "")
    return response.status, (json.loads(data) if "json" in kind else data), response


def test_a_request_without_the_token_is_refused(server):
    for path in ("/", "/api/parameters", "/api/scenarios", "/static/app.js"):
        status, answer, _ = call(server, "GET", path, token=False)
        assert status == 403, path
    status, _, _ = call(server, "GET", "/api/scenarios", token=False, headers={"X-Valinta-Token": "guess"})
    assert status == 403


def test_the_first_page_sets_the_token_cookie(server):
    status, _, response = call(server, "GET", f"/?token={server['token']}", token=False)
    assert status == 200
    cookie = response.getheader("Set-Cookie")
    assert "valinta_token=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    status, _, _ = call(server, "GET", "/api/scenarios", token=False,
                        headers={"Cookie": f"valinta_token={server['token']}"})
    assert status == 200


def test_a_foreign_host_header_is_refused(server):
    for host in ("evil.example", f"evil.example:{server['port']}", "127.0.0.1:1", f"192.168.1.10:{server['port']}"):
        status, answer, _ = call(server, "GET", "/api/scenarios", host=host)
        assert status == 403, host
        assert "Host" in answer["error"]
    assert call(server, "GET", "/api/scenarios", host=f"localhost:{server['port']}")[0] == 200


@pytest.mark.parametrize("scenario_id", [
    "../../etc/passwd", "/etc/passwd", "scenarios/../../README.md", "workspace/../x.yaml",
    "scenarios/data/../../CMakeLists.txt", "scenarios\\keski-suomi.yaml", "analysis/pyproject.toml",
    "scenarios/data/municipalities_all_2020.csv", "scenarios", ""])
def test_paths_outside_the_allowed_folders_are_refused(server, scenario_id):
    status, answer, _ = call(server, "GET", f"/api/scenario?id={quote(scenario_id)}")
    assert status == 400, answer
    status, answer, _ = call(server, "GET", f"/api/download?id={quote(scenario_id)}")
    assert status == 400


def test_a_link_in_the_workspace_leading_out_is_refused(server):
    link = server["workspace"] / "outside.yaml"
    link.symlink_to(ROOT / "CMakeLists.txt")
    try:
        status, answer, _ = call(server, "GET", "/api/scenario?id=workspace/outside.yaml")
        assert status == 400 and "outside" in answer["error"]
    finally:
        link.unlink()


def test_parameters_and_scenarios_are_listed(server):
    status, parameters, _ = call(server, "GET", "/api/parameters")
    assert status == 200 and len(parameters) > 100
    guarantee = next(p for p in parameters if p["key"] == "rules.care_guarantee_days")
    assert guarantee["meaning"] and guarantee["group"] == "rules" and guarantee["kind"] in ("real", "integer")
    status, scenarios, _ = call(server, "GET", "/api/scenarios")
    ids = [s["id"] for s in scenarios]
    assert "scenarios/keski-suomi.yaml" in ids and "scenarios/pilots/jyte.yaml" in ids
    status, scenario, _ = call(server, "GET", "/api/scenario?id=scenarios/guarantee-14-days.yaml")
    assert status == 200 and scenario["values"]["rules.care_guarantee_days"] == 14


def test_an_invalid_edit_gets_the_engines_error_at_its_key(server):
    status, answer, _ = call(server, "POST", "/api/check", {
        "base": "scenarios/keski-suomi.yaml", "name": "bad", "changes": {"rules.care_guarantee_days": -5}})
    assert status == 200 and answer["ok"] is False
    assert any(e["key"] == "rules.care_guarantee_days" and e["line"] > 0 for e in answer["errors"]), answer
    status, answer, _ = call(server, "POST", "/api/save", {
        "base": "scenarios/keski-suomi.yaml", "name": "bad", "changes": {"rules.care_guarantee_days": -5}})
    assert answer["ok"] is False and not (server["workspace"] / "bad.yaml").exists()
    status, answer, _ = call(server, "POST", "/api/check", {
        "base": "scenarios/keski-suomi.yaml", "name": "x", "changes": {"rules.no_such_rule": 1}})
    assert status == 400 and "no_such_rule" in answer["error"]
    status, answer, _ = call(server, "POST", "/api/save", {
        "base": "scenarios/keski-suomi.yaml", "name": "../escape", "changes": {}})
    assert status == 400


def test_a_rule_set_that_does_not_load_gets_every_error_with_its_place(server):
    # Errors read from `valinta validate --json`: a key that holds ": " and an error with no
    # line (about the file as a whole) come through as they are.
    base = (ROOT / "scenarios" / "keski-suomi.yaml").resolve()
    broken = server["workspace"] / "broken.yaml"
    broken.write_text(f"extends: {base}\nname: broken\nrules:\n  care_guarantee_days: -5\n"
                      f"'odd: key': 1\n", encoding="utf-8")
    try:
        status, answer, _ = call(server, "GET", "/api/scenario?id=workspace/broken.yaml")
        assert status == 400 and answer["error"] == "the scenario does not load", answer
        by_key = {e["key"]: e for e in answer["errors"]}
        assert by_key["rules.care_guarantee_days"]["line"] == 4, answer
        assert by_key["odd: key"]["line"] == 5 and "unknown key" in by_key["odd: key"]["message"], answer
    finally:
        broken.unlink()


def test_a_valid_edit_is_saved_as_a_small_file_that_extends_its_base(server):
    status, answer, _ = call(server, "POST", "/api/save", {
        "base": "scenarios/keski-suomi.yaml", "name": "guarantee-opt-out",
        "changes": {"rules.care_guarantee_days": 14, "rules.default_assignment": "nearest"}})
    assert status == 200 and answer["ok"], answer
    saved = server["workspace"] / "guarantee-opt-out.yaml"
    text = saved.read_text()
    assert "extends: /" in text and "care_guarantee_days: 14" in text and "default_assignment: nearest" in text
    assert len(text.splitlines()) < 12
    status, data, response = call(server, "GET", "/api/download?id=workspace/guarantee-opt-out.yaml")
    assert status == 200 and data.decode() == text and "attachment" in response.getheader("Content-Disposition")
    # Runnable with the engine as it is.
    assert subprocess.run([valinta_binary(), "validate", str(saved)], capture_output=True).returncode == 0


def wait_for(server, job, states=("done", "failed", "cancelled"), limit=300):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        status, answer, _ = call(server, "GET", f"/api/jobs/{job}")
        if answer["state"] in states:
            return answer
        time.sleep(0.2)
    pytest.fail(f"job {job} did not finish")


def test_a_comparison_runs_and_reports_differences_rules_series_and_map(server):
    status, answer, _ = call(server, "POST", "/api/jobs", {
        "scenarios": ["scenarios/keski-suomi.yaml", "scenarios/guarantee-14-days.yaml"], "replications": 3})
    assert status == 202, answer
    job = answer["job"]
    assert call(server, "GET", f"/api/jobs/{job}/comparison")[0] in (409, 200)
    final = wait_for(server, job)
    assert final["state"] == "done", final
    status, comparison, _ = call(server, "GET", f"/api/jobs/{job}/comparison")
    assert status == 200 and comparison["replications"] == 3
    rules = {(r["scenario"], r["key"]) for r in comparison["rule_differences"]}
    assert ("guarantee-14-days", "rules.care_guarantee_days") in rules
    wait = next(i for i in comparison["indicators"] if i["key"] == "mean_wait_days")
    row = wait["by_scenario"][0]
    assert row["low"] <= row["difference"] <= row["high"] and wait["threshold"] >= 0
    # The service package of the whole area, in the same form.
    package = {i["key"]: i for i in comparison["package"]}
    assert len(package) == 18 and package["cost_per_visit_eur"]["units"] == "EUR/visit"
    guarantee = package["share_within_guarantee"]
    assert guarantee["share"] and 0 <= guarantee["baseline_mean"] <= 1
    row = package["visits_per_resident"]["by_scenario"][0]
    assert row["scenario"] == "guarantee-14-days" and row["low"] <= row["difference"] <= row["high"]
    status, listed, _ = call(server, "GET", f"/api/jobs/{job}/series-list")
    names = {s["name"]: s for s in listed}
    assert "n_listed_by_sector" in names and names["n_listed_by_sector"]["dims"] == ["sector"]
    status, series, _ = call(server, "GET", f"/api/jobs/{job}/series?name=n_listed_by_sector&sector=private")
    assert status == 200 and len(series["dates"]) == len(series["by_scenario"]["keski-suomi"]["mean"])
    zone_series = next(s["name"] for s in listed if s["map"])
    status, shown, _ = call(server, "GET", f"/api/jobs/{job}/map?indicator={zone_series}&difference=1")
    assert status == 200 and len(shown["by_code"]) == 22 and "179" in shown["by_code"]
    status, geo, _ = call(server, "GET", "/api/geo")
    assert len(geo["features"]) == 309 and "CC BY 4.0" in geo["attribution"]
    status, report, response = call(server, "GET", f"/api/jobs/{job}/report")
    assert status == 200 and b"<html" in report[:2000].lower()
    status, h5, _ = call(server, "GET", f"/api/jobs/{job}/results.h5")
    assert status == 200 and h5[:8] == b"\x89HDF\r\n\x1a\n"


def test_a_running_comparison_can_be_cancelled(server):
    status, answer, _ = call(server, "POST", "/api/jobs", {
        "scenarios": ["scenarios/keski-suomi.yaml", "scenarios/opt-out.yaml", "scenarios/current-law.yaml"],
        "replications": 20})
    job = answer["job"]
    time.sleep(0.5)
    status, answer, _ = call(server, "DELETE", f"/api/jobs/{job}")
    assert status == 200
    final = wait_for(server, job)
    assert final["state"] == "cancelled"
    assert call(server, "GET", f"/api/jobs/{job}/comparison")[0] == 409


@pytest.mark.parametrize("body", [
    {"scenarios": ["scenarios/keski-suomi.yaml"], "replications": 3},
    {"scenarios": ["scenarios/keski-suomi.yaml", "/etc/passwd"], "replications": 3},
    {"scenarios": ["scenarios/keski-suomi.yaml", "scenarios/opt-out.yaml"], "replications": 1},
    {"scenarios": ["scenarios/keski-suomi.yaml", "scenarios/opt-out.yaml"], "replications": "5"},
    ["not", "an", "object"]])
def test_bad_job_requests_are_refused(server, body):
    status, answer, _ = call(server, "POST", "/api/jobs", body)
    assert status == 400, answer


def test_a_rule_set_cannot_be_saved_over_the_one_it_extends(server):
    status, answer, _ = call(server, "POST", "/api/save", {
        "base": "scenarios/keski-suomi.yaml", "name": "base-copy", "changes": {"rules.care_guarantee_days": 30}})
    assert answer["ok"], answer
    status, answer, _ = call(server, "POST", "/api/save", {
        "base": "workspace/base-copy.yaml", "name": "base-copy", "changes": {"rules.care_guarantee_days": 60}})
    assert status == 400 and "another name" in answer["error"]
    status, answer, _ = call(server, "POST", "/api/save", {
        "base": "workspace/base-copy.yaml", "name": "derived", "changes": {"rules.care_guarantee_days": 60}})
    assert answer["ok"] and "extends: base-copy.yaml" in answer["yaml"]
