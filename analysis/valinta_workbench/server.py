"""The workbench's HTTP server (Flask): the safety rules, the scenario editor's API, background
comparisons run by the engine, and their results as JSON for the page (docs/workbench.md).

Everything the browser may name is an id (``scenarios/NAME.yaml`` or ``workspace/NAME.yaml``),
never a path; every request carries the start's random token and names this server's own host.
"""

from __future__ import annotations

import datetime as _dt
import hmac
import json
import math
import os
import re
import secrets
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from flask import Flask, Response, abort, jsonify, request, send_file

from valinta_analysis.rules import flatten_scenario

STATIC = Path(__file__).resolve().parent / "static"
TOKEN_COOKIE = "valinta_token"
TOKEN_HEADER = "X-Valinta-Token"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
#: The engine's scenario errors: FILE:LINE:COL: error: KEY: message (KEY may be absent).
PROGRESS = re.compile(r"(\d+(?:\.\d+)?) ?%")
MAX_REPLICATIONS = 50
MAX_SCENARIOS = 6
GEO_ATTRIBUTION = ("Municipal boundaries: National Land Survey of Finland (Maanmittauslaitos), "
                   "municipal division 2021, CC BY 4.0; populations and codes: Statistics Finland, "
                   "CC BY 4.0")


class BadRequest(Exception):
    """A request the workbench refuses with 400 and a message."""


@dataclass
class Settings:
    valinta: Path              # the engine's executable
    scenarios: Path            # the project's rule sets (read-only)
    workspace: Path            # where edited rule sets and results go
    port: int = 0
    host: str = "127.0.0.1"
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    threads: int = 0           # engine threads per run (0: all cores)


# --- ids and files -------------------------------------------------------------------------

def resolve_id(settings: Settings, scenario_id: object) -> Path:
    """The file an id names, inside the scenarios or the workspace folder; BadRequest otherwise."""
    if not isinstance(scenario_id, str) or not scenario_id or "\0" in scenario_id or "\\" in scenario_id:
        raise BadRequest("a scenario is named by an id such as scenarios/keski-suomi.yaml")
    parts = scenario_id.split("/")
    if scenario_id.startswith("/") or any(p in ("", ".", "..") for p in parts) or len(parts) < 2:
        raise BadRequest(f"{scenario_id!r} is not a scenario id: ids are scenarios/NAME.yaml or workspace/NAME.yaml")
    roots = {"scenarios": settings.scenarios, "workspace": settings.workspace}
    if parts[0] not in roots:
        raise BadRequest(f"{scenario_id!r}: only the folders scenarios/ and workspace/ may be named")
    if not scenario_id.endswith(".yaml"):
        raise BadRequest(f"{scenario_id!r}: a scenario id ends in .yaml")
    root = roots[parts[0]].resolve()
    path = (root / Path(*parts[1:])).resolve()
    if root not in path.parents:
        raise BadRequest(f"{scenario_id!r} leads outside the {parts[0]} folder")
    if not path.is_file():
        abort(404, f"no scenario {scenario_id}")
    return path


def scenario_ids(settings: Settings) -> list[dict]:
    found = []
    for prefix, root, pattern in (("scenarios", settings.scenarios, "*.yaml"),
                                  ("scenarios", settings.scenarios, "pilots/*.yaml"),
                                  ("workspace", settings.workspace, "*.yaml")):
        for path in sorted(root.glob(pattern)):
            if path.name.startswith("."):
                continue
            head = _top_level(path)
            found.append({"id": f"{prefix}/{path.relative_to(root).as_posix()}",
                          "name": str(head.get("name") or path.stem),
                          "description": str(head.get("description") or ""),
                          "editable": prefix == "workspace"})
    return found


def _top_level(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _json_value(value):
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def flatten(tree: dict, keys: set[str]) -> dict:
    """Dotted parameter keys -> values of a resolved scenario (the lists of zones, producers,
    events and chains are left out: they are not parameters)."""
    return {key: _json_value(value) for key, value in flatten_scenario(tree).items() if key in keys}


def nested(changes: dict) -> dict:
    """{"rules.a": 1, "name": "x"} -> {"rules": {"a": 1}, "name": "x"}."""
    tree: dict = {}
    for key, value in changes.items():
        node = tree
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise BadRequest(f"{key}: clashes with another change")
        node[parts[-1]] = value
    return tree


# --- the engine -----------------------------------------------------------------------------

def engine(settings: Settings, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    # (Bytes that are not UTF-8, e.g. in a file name, are shown as U+FFFD rather than failing.)
    return subprocess.run([str(settings.valinta), *args], capture_output=True, text=True, errors="replace",
                          timeout=timeout)


def engine_errors(result: subprocess.CompletedProcess, checked: Path) -> list[dict]:
    """The errors of `valinta validate --json CHECKED` as {key, line, column, message} (line and
    column in the file that was checked; 0 for errors elsewhere, e.g. in the base it extends)."""
    try:
        report = json.loads(result.stdout)
        found = [e for f in report["files"] for e in f["errors"]]
    except (ValueError, KeyError, TypeError):  # not the engine's report: say what it printed
        return [{"key": "", "line": 0, "column": 0, "message": first_line(result)}]
    errors = []
    for e in found:
        here = Path(e["file"]).name == checked.name
        errors.append({"key": e["key"], "line": e["line"] if here else 0, "column": e["column"] if here else 0,
                       "message": e["message"]})
    if not errors:
        errors.append({"key": "", "line": 0, "column": 0,
                       "message": f"valinta validate exited with {result.returncode} and reported no error"})
    return errors


def first_line(result: subprocess.CompletedProcess) -> str:
    """The first line the engine printed on stderr (else stdout), or its exit code."""
    for text in (result.stderr, result.stdout):
        lines = (text or "").strip().splitlines()
        if lines:
            return lines[0]
    return f"valinta {result.args[1] if len(result.args) > 1 else ''} exited with {result.returncode}".strip()


def derived_yaml(settings: Settings, base: Path, name: str, changes: dict) -> str:
    """The small scenario that extends `base` with `changes` only (written in the workspace): a
    base in the workspace by its name beside it, one of the project's rule sets by its full path,
    so the file runs with `valinta run` wherever it is copied on this machine."""
    inside = settings.workspace.resolve() in base.resolve().parents
    relative = base.name if inside else str(base.resolve())
    head = f"# Made in the Valinta workbench: {base.name} with {len(changes)} change(s).\n"
    body = {"extends": relative, "name": name}
    body.update(nested(changes))
    return head + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, default_flow_style=False)


def check_changes(settings: Settings, payload: dict, keys: set[str]) -> tuple[str, str, Path, list[dict]]:
    """(name, yaml, base path, errors) of an edit: the engine validates the derived scenario."""
    if not isinstance(payload, dict):
        raise BadRequest("the body is a JSON object {base, name, changes}")
    base = resolve_id(settings, payload.get("base"))
    name = payload.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise BadRequest("name: 1-64 letters, digits, '-' or '_', starting with a letter or digit")
    if base.resolve() == (settings.workspace / f"{name}.yaml").resolve():
        raise BadRequest(f"name: {name} is the rule set being edited; save the changes under another name")
    changes = payload.get("changes", {})
    if not isinstance(changes, dict):
        raise BadRequest("changes: an object {parameter key: value}")
    unknown = [k for k in changes if k not in keys]
    if unknown:
        raise BadRequest(f"unknown parameter(s): {', '.join(sorted(unknown))}")
    text = derived_yaml(settings, base, name, changes)
    settings.workspace.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.check-", suffix=".yaml", dir=settings.workspace)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        result = engine(settings, "validate", "--json", tmp)
        errors = [] if result.returncode == 0 else engine_errors(result, Path(tmp))
    finally:
        os.unlink(tmp)
    return name, text, base, errors


# --- background comparisons -----------------------------------------------------------------

@dataclass
class Job:
    id: str
    scenarios: list[str]
    replications: int
    output: Path
    process: subprocess.Popen | None = None
    state: str = "running"
    progress: float = 0.0
    message: str = ""
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    cache: dict = field(default_factory=dict)

    def describe(self) -> dict:
        end = self.finished if self.finished is not None else time.monotonic()
        return {"job": self.id, "state": self.state, "progress": round(self.progress, 4), "message": self.message,
                "scenarios": self.scenarios, "replications": self.replications,
                "seconds": round(end - self.started, 2)}


class Jobs:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.lock = threading.Lock()
        self.jobs: dict[str, Job] = {}

    def start(self, ids: list[str], replications: int) -> Job:
        paths = [resolve_id(self.settings, i) for i in ids]
        runs = self.settings.workspace / "runs"
        runs.mkdir(parents=True, exist_ok=True)
        job = Job(uuid.uuid4().hex[:12], ids, replications, runs / "placeholder.h5")
        job.output = runs / f"comparison-{job.id}.h5"
        command = [str(self.settings.valinta), "compare", *map(str, paths), "--replications", str(replications),
                   "-o", str(job.output)]
        if self.settings.threads:
            command += ["--threads", str(self.settings.threads)]
        job.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                       bufsize=1)
        with self.lock:
            self.jobs[job.id] = job
        threading.Thread(target=self._follow, args=(job,), daemon=True).start()
        return job

    def _follow(self, job: Job) -> None:
        assert job.process is not None
        lines = []
        for line in job.process.stderr:  # progress lines, then errors
            lines.append(line.rstrip())
            for m in PROGRESS.finditer(line):
                job.progress = max(job.progress, min(1.0, float(m.group(1)) / 100))
        job.process.stdout.read()
        code = job.process.wait()
        job.finished = time.monotonic()
        if job.state == "cancelled":
            job.message = "cancelled"
        elif code == 0 and job.output.is_file():
            job.state, job.progress = "done", 1.0
            job.message = "done"
        else:
            job.state = "failed"
            job.message = "\n".join(l for l in lines if "error" in l.lower())[-2000:] or f"exit code {code}"

    def get(self, job_id: str) -> Job:
        with self.lock:
            job = self.jobs.get(job_id)
        if job is None:
            abort(404, f"no job {job_id}")
        return job

    def cancel(self, job_id: str) -> Job:
        job = self.get(job_id)
        if job.state == "running" and job.process is not None:
            job.state = "cancelled"
            job.process.send_signal(signal.SIGTERM)
        return job

    def done(self, job_id: str) -> Job:
        job = self.get(job_id)
        if job.state != "done":
            abort(409, f"job {job_id} is {job.state}")
        return job

    def latest_done(self) -> Job:
        with self.lock:
            done = [j for j in self.jobs.values() if j.state == "done"]
        if not done:
            abort(409, "no comparison has finished yet")
        return max(done, key=lambda j: j.started)


# --- the application ------------------------------------------------------------------------

def create_app(settings: Settings) -> Flask:
    from . import results

    app = Flask(__name__, static_folder=str(STATIC), static_url_path="/static")
    app.config["MAX_CONTENT_LENGTH"] = 1 << 20
    jobs = Jobs(settings)
    cached: dict = {}

    def parameters() -> list[dict]:
        if "parameters" not in cached:
            result = engine(settings, "parameters")
            if result.returncode != 0:
                raise RuntimeError(f"valinta parameters failed: {result.stderr}")
            cached["parameters"] = json.loads(result.stdout)
        return cached["parameters"]

    def keys() -> set[str]:
        return {p["key"] for p in parameters()}

    def allowed_hosts() -> set[str]:
        port = settings.port
        names = {"127.0.0.1", "localhost", settings.host}
        return {f"{n}:{port}" for n in names} | ({*names} if port == 80 else set())

    @app.before_request
    def guard():
        if request.host not in allowed_hosts():
            abort(403, "this workbench answers only requests for its own address (the Host header "
                       f"{request.host!r} is not it)")
        given = (request.headers.get(TOKEN_HEADER) or request.cookies.get(TOKEN_COOKIE)
                 or request.args.get("token") or "")
        if not hmac.compare_digest(given.encode(), settings.token.encode()):
            abort(403, "the token is missing or wrong: open the address the workbench printed when it started")

    @app.after_request
    def headers(response: Response) -> Response:
        if request.args.get("token") == settings.token:
            response.set_cookie(TOKEN_COOKIE, settings.token, httponly=True, samesite="Strict", path="/")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(BadRequest)
    def bad_request(error):
        return jsonify(error=str(error)), 400

    for code in (400, 403, 404, 409, 413):
        app.register_error_handler(code, lambda e, c=code: (jsonify(error=getattr(e, "description", str(e))), c))

    @app.get("/")
    def index():
        return send_file(STATIC / "index.html")

    @app.get("/api/parameters")
    def api_parameters():
        return jsonify(parameters())

    @app.get("/api/scenarios")
    def api_scenarios():
        return jsonify(scenario_ids(settings))

    @app.get("/api/scenario")
    def api_scenario():
        scenario_id = request.args.get("id")
        path = resolve_id(settings, scenario_id)
        shown = engine(settings, "show", str(path))
        if shown.returncode != 0:
            checked = engine(settings, "validate", "--json", str(path))
            errors = engine_errors(checked, path) if checked.returncode != 0 else \
                [{"key": "", "line": 0, "column": 0, "message": first_line(shown)}]
            return jsonify(error="the scenario does not load", errors=errors), 400
        resolved = yaml.safe_load(shown.stdout) or {}
        head = _top_level(path)
        return jsonify(id=scenario_id, name=str(resolved.get("name", path.stem)),
                       description=str(resolved.get("description", "")),
                       text=path.read_text(encoding="utf-8"), values=flatten(resolved, keys()),
                       extends=head.get("extends"))

    @app.post("/api/check")
    def api_check():
        _, text, _, errors = check_changes(settings, request.get_json(silent=True), keys())
        return jsonify(ok=not errors, yaml=text, errors=errors)

    @app.post("/api/save")
    def api_save():
        name, text, _, errors = check_changes(settings, request.get_json(silent=True), keys())
        if errors:
            return jsonify(ok=False, yaml=text, errors=errors, id=None)
        target = settings.workspace / f"{name}.yaml"
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=settings.workspace)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, target)
        return jsonify(ok=True, yaml=text, errors=[], id=f"workspace/{name}.yaml")

    @app.get("/api/download")
    def api_download():
        path = resolve_id(settings, request.args.get("id"))
        return send_file(path, mimetype="application/x-yaml", as_attachment=True, download_name=path.name)

    @app.post("/api/jobs")
    def api_start():
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            raise BadRequest("the body is a JSON object {scenarios, replications}")
        ids = payload.get("scenarios")
        if not isinstance(ids, list) or not 2 <= len(ids) <= MAX_SCENARIOS:
            raise BadRequest(f"scenarios: a list of 2 to {MAX_SCENARIOS} rule sets, the first the baseline")
        if len(set(ids)) != len(ids):
            raise BadRequest("scenarios: each rule set once")
        replications = payload.get("replications", 5)
        if not isinstance(replications, int) or isinstance(replications, bool) or \
                not 2 <= replications <= MAX_REPLICATIONS:
            raise BadRequest(f"replications: a whole number from 2 to {MAX_REPLICATIONS}")
        job = jobs.start(ids, replications)
        return jsonify(job.describe()), 202

    @app.get("/api/jobs/<job_id>")
    def api_job(job_id):
        return jsonify(jobs.get(job_id).describe())

    @app.delete("/api/jobs/<job_id>")
    def api_cancel(job_id):
        return jsonify(jobs.cancel(job_id).describe())

    def finished(job_id: str):
        job = jobs.done(job_id)
        if "data" not in job.cache:
            job.cache["data"] = results.Comparison(job.output)
        return job, job.cache["data"]

    @app.get("/api/jobs/<job_id>/comparison")
    def api_comparison(job_id):
        _, data = finished(job_id)
        return jsonify(_finite(data.comparison(keys())))

    @app.get("/api/jobs/<job_id>/series-list")
    def api_series_list(job_id):
        _, data = finished(job_id)
        return jsonify(data.series_list())

    @app.get("/api/series-list")
    def api_series_list_latest():
        job = jobs.get(request.args["job"]) if request.args.get("job") else jobs.latest_done()
        return api_series_list(job.id)

    @app.get("/api/jobs/<job_id>/series")
    def api_series(job_id):
        _, data = finished(job_id)
        name = request.args.get("name", "")
        picks = {k: v for k, v in request.args.items() if k not in ("name", "token")}
        answer = data.series(name, picks)
        return (jsonify(answer), 400) if "error" in answer else jsonify(_finite(answer))

    @app.get("/api/jobs/<job_id>/map")
    def api_map(job_id):
        _, data = finished(job_id)
        answer = data.map(request.args.get("indicator", ""), request.args.get("scenario"),
                          request.args.get("difference") in ("1", "true"))
        return (jsonify(answer), 400) if "error" in answer else jsonify(_finite(answer))

    @app.get("/api/geo")
    def api_geo():
        if "geo" not in cached:
            path = settings.scenarios / "data" / "municipalities_2021.geojson"
            geo = json.loads(path.read_text(encoding="utf-8"))
            for feature in geo["features"]:
                p = feature["properties"]
                feature["properties"] = {"code": p["code"], "name": p["name_fi"], "name_sv": p["name_sv"]}
            geo["attribution"] = GEO_ATTRIBUTION
            cached["geo"] = geo
        return jsonify(cached["geo"])

    @app.get("/api/jobs/<job_id>/report")
    def api_report(job_id):
        job, _ = finished(job_id)
        html = job.output.with_suffix(".html")
        if not html.is_file():
            from valinta_analysis.report import write_report
            write_report(str(job.output), str(html))
        return send_file(html, mimetype="text/html", as_attachment=True,
                         download_name=f"comparison-{job.id}.html")

    @app.get("/api/jobs/<job_id>/results.h5")
    def api_results(job_id):
        job, _ = finished(job_id)
        return send_file(job.output, mimetype="application/x-hdf5", as_attachment=True,
                         download_name=f"comparison-{job.id}.h5")

    app.config["VALINTA_JOBS"] = jobs
    return app


def _finite(value):
    """JSON has no NaN: None in its place, recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (np.floating,)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
