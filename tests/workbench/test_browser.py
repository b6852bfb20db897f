"""The workbench page in a real browser (headless Chromium driven by Selenium) against a real
server started as users start it: a rule set is edited from Keski-Suomi (an invalid value first,
whose engine error appears next to its field), saved, compared with a copy of its base, and the
comparison is read as rule differences, a table with intervals, a time series, a map of the
municipalities and downloads (docs/workbench.md).

VALINTA_BIN=build/release/valinta /usr/bin/python3 -m pytest tests/workbench/test_browser.py
WORKBENCH_SCREENSHOTS=1 also writes docs/workbench-*.png (editor, comparison, time series, map).
"""

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from engine_binary import valinta_binary  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = os.environ.get("WORKBENCH_SCREENSHOTS") == "1"
# Small runs keep the test quick: a tenth of the population, 40 weekly steps (a shorter run is
# refused: the six-month lock-in must fit in it).
QUICK = {"population.scale": "0.1", "time.steps": "40"}
GUARANTEE_DAYS = "14"

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    pytest.importorskip("flask")
    binary = valinta_binary()
    if not binary.is_file():
        pytest.skip(f"no valinta binary at {binary}")
    workspace = tmp_path_factory.mktemp("workspace")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "analysis"), VALINTA_BIN=str(binary))
    process = subprocess.Popen(["/usr/bin/python3", "-m", "valinta_workbench", "--port", "0", "--workspace",
                                str(workspace), "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env, cwd=workspace)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    address = None
    deadline = time.monotonic() + 60
    while address is None and time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            if process.poll() is not None:
                break
            continue
        m = re.search(r"(http://127\.0\.0\.1:(\d+)/\?token=(\S+))", line)
        if m:
            address = m
    if address is None:
        process.kill()
        pytest.fail(f"the workbench printed no address: {process.stderr.read()}")
    yield {"url": address.group(1), "base": f"http://127.0.0.1:{address.group(2)}", "token": address.group(3),
           "workspace": workspace}
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file() or not CHROMEDRIVER.is_file():
        pytest.skip("chromium or chromedriver is not installed (/usr/bin/chromium, /usr/bin/chromedriver)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                     "--lang=en-GB"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_window_size(1400, 1000)
    yield driver
    driver.quit()


def fetch(server, path):
    """GET a path of the workbench with the token header: (status, headers, body)."""
    request = urllib.request.Request(server["base"] + path, headers={"X-Valinta-Token": server["token"]})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, response.headers, response.read()


def wait(driver, condition, timeout=120, message=""):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: condition(d))
    except TimeoutException:
        errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        notes = [n.text for n in driver.find_elements(By.CSS_SELECTOR, "#messages .message")]
        what = message() if callable(message) else message
        pytest.fail(f"timed out: {what}; page messages {notes}; browser errors {errors}")


def screenshot(driver, name):
    if SCREENSHOTS:
        driver.execute_script("document.querySelectorAll('#messages .message-note').forEach(m => m.remove())")
        driver.save_screenshot(str(ROOT / "docs" / f"workbench-{name}.png"))


def opt_out_rule(server):
    """The parameter and value that make assignment opt-out, as scenarios/opt-out.yaml sets them
    (checked against GET /api/parameters)."""
    import yaml
    parameters = {p["key"]: p for p in json.loads(fetch(server, "/api/parameters")[2])}
    tree = yaml.safe_load((ROOT / "scenarios" / "opt-out.yaml").read_text(encoding="utf-8"))
    found = []

    def walk(node, prefix=""):
        for name, value in node.items():
            key = prefix + name
            if isinstance(value, dict):
                walk(value, key + ".")
            elif key in parameters and parameters[key]["kind"] == "choice":
                found.append((key, str(value)))
    walk(tree)
    assert found, "scenarios/opt-out.yaml sets no choice parameter"
    key, value = found[0]
    assert value in parameters[key]["choices"]
    return key, value


def set_text(element, text):
    """Replaces an input's text by typing (as a user does: every change fires input events)."""
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.BACKSPACE)
    if text:
        element.send_keys(text)


def field_input(driver, key):
    return driver.find_element(By.CSS_SELECTOR, f'[data-param="{key}"]')


def show_field(driver, key):
    """Finds a parameter with the search box (its group opens) and returns its input."""
    set_text(driver.find_element(By.ID, "param-search"), key)
    element = field_input(driver, key)
    wait(driver, lambda d: element.is_displayed(), message=f"field {key} shown")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    return element


def type_into(driver, key, text):
    element = show_field(driver, key)
    set_text(element, text)
    assert element.get_attribute("value") == text
    wait(driver, lambda d: "changed" in d.find_element(By.CSS_SELECTOR, f'.field[data-key="{key}"]')
         .get_attribute("class"), message=f"{key} marked changed")


def choose(driver, key, value):
    Select(show_field(driver, key)).select_by_value(value)


def save_as(driver, name):
    set_text(driver.find_element(By.ID, "scenario-name"), name)
    driver.find_element(By.ID, "save-button").click()
    wait(driver, lambda d: f"workspace/{name}.yaml" in d.find_element(By.ID, "check-status").text,
         message=f"saved as {name}")
    yaml_text = driver.find_element(By.ID, "yaml-output").text
    assert "extends:" in yaml_text
    return yaml_text


def show_tab(driver, name):
    driver.find_element(By.ID, f"tab-{name}").click()
    wait(driver, lambda d: d.find_element(By.ID, f"panel-{name}").is_displayed(), message=f"tab {name}")


def test_edit_save_compare_and_read_the_results(server, browser):
    driver = browser
    driver.get(server["url"])
    wait(driver, lambda d: d.execute_script("return document.body.dataset.ready") == "true",
         message="the page loaded its parameters and rule sets")
    Select(driver.find_element(By.ID, "language")).select_by_value("en")
    assert len(driver.find_elements(By.CSS_SELECTOR, "#param-groups .field")) > 100
    Select(driver.find_element(By.ID, "base-select")).select_by_value("scenarios/keski-suomi.yaml")
    wait(driver, lambda d: field_input(d, "rules.care_guarantee_days").get_attribute("value") == "90",
         message="Keski-Suomi's values in the forms")

    # An invalid value first: the engine's error appears next to its field.
    type_into(driver, "rules.care_guarantee_days", "-5")
    set_text(driver.find_element(By.ID, "scenario-name"), "guarantee-opt-out")
    driver.find_element(By.ID, "check-button").click()
    error = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '.field-error[data-key="rules.care_guarantee_days"]'),
                 message="the engine's error at rules.care_guarantee_days")[0]
    assert re.search(r">=\s*0|must", error.text), error.text
    field = driver.find_element(By.CSS_SELECTOR, '.field[data-key="rules.care_guarantee_days"]')
    assert field.find_elements(By.CSS_SELECTOR, ".field-error")
    screenshot(driver, "editor-error")

    # Fixed, made opt-out and small, saved.
    type_into(driver, "rules.care_guarantee_days", GUARANTEE_DAYS)
    key, value = opt_out_rule(server)
    choose(driver, key, value)
    for quick_key, quick_value in QUICK.items():
        type_into(driver, quick_key, quick_value)
    driver.find_element(By.ID, "check-button").click()
    wait(driver, lambda d: "no errors" in d.find_element(By.ID, "check-status").text,
         message=lambda: f"no errors left: {[e.text for e in driver.find_elements(By.CSS_SELECTOR, '.field-error, .general-error')]}")
    assert not driver.find_elements(By.CSS_SELECTOR, ".field-error")
    saved = save_as(driver, "guarantee-opt-out")
    assert f"care_guarantee_days: {GUARANTEE_DAYS}" in saved and f"{key.split('.')[-1]}: {value}" in saved
    href = driver.find_element(By.ID, "download-link").get_attribute("href")
    status, headers, body = fetch(server, href[len(server["base"]):])
    assert status == 200 and body.decode() == (server["workspace"] / "guarantee-opt-out.yaml").read_text()
    set_text(driver.find_element(By.ID, "param-search"), "")
    driver.find_element(By.ID, "only-changed").click()
    assert len([f for f in driver.find_elements(By.CSS_SELECTOR, "#param-groups .field") if f.is_displayed()]) == 4
    driver.execute_script("window.scrollTo(0, 0)")
    screenshot(driver, "editor")
    driver.find_element(By.ID, "only-changed").click()

    # The base at the same small scale, to compare with.
    driver.find_element(By.ID, "reset-button").click()
    for quick_key, quick_value in QUICK.items():
        type_into(driver, quick_key, quick_value)
    save_as(driver, "keski-suomi-quick")
    saved_ids = {"workspace/guarantee-opt-out.yaml", "workspace/keski-suomi-quick.yaml"}
    wait(driver, lambda d: saved_ids <= set(d.execute_script(
        "return [...document.querySelectorAll('#base-select option')].map(o => o.value)")),
        message="both saved rule sets in the list of rule sets")

    # Run: the base first (the baseline), then the edit; 3 replications.
    show_tab(driver, "run")
    for scenario_id in ("workspace/keski-suomi-quick.yaml", "workspace/guarantee-opt-out.yaml"):
        box = driver.find_element(By.CSS_SELECTOR, f'#run-scenarios input[data-id="{scenario_id}"]')
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.click()
    def order():
        return [li.get_attribute("data-id") for li in driver.find_elements(By.CSS_SELECTOR, "#run-order li")]
    assert order() == ["workspace/keski-suomi-quick.yaml", "workspace/guarantee-opt-out.yaml"]
    # The order can be changed: the edit made the baseline, then moved back down.
    driver.find_element(By.CSS_SELECTOR, "#run-order li:nth-child(2) [data-baseline]").click()
    assert order() == ["workspace/guarantee-opt-out.yaml", "workspace/keski-suomi-quick.yaml"]
    driver.find_element(By.CSS_SELECTOR, '#run-order li:nth-child(1) [data-move="1"]').click()
    assert order() == ["workspace/keski-suomi-quick.yaml", "workspace/guarantee-opt-out.yaml"]
    assert "baseline" in driver.find_element(By.CSS_SELECTOR, "#run-order li:nth-child(1)").text.lower()
    replications = driver.find_element(By.ID, "replications")
    assert replications.get_attribute("value") == "5"
    set_text(replications, "3")
    driver.find_element(By.ID, "run-button").click()
    wait(driver, lambda d: d.find_element(By.ID, "job-box").is_displayed(), message="the job's progress shown")
    wait(driver, lambda d: d.find_element(By.ID, "job-box").get_attribute("data-state") in ("done", "failed"),
         timeout=600, message="the comparison finished")
    assert driver.find_element(By.ID, "job-box").get_attribute("data-state") == "done", \
        driver.find_element(By.ID, "run-message").text
    assert driver.find_element(By.ID, "run-progress").get_attribute("value") == "1"

    # Differences: the rules that differ, the table with intervals and the two marks.
    wait(driver, lambda d: d.find_element(By.ID, "panel-results").is_displayed()
         and d.find_elements(By.CSS_SELECTOR, "#indicator-table td.interval"), message="the comparison table")
    driver.execute_script("window.scrollTo(0, 0)")
    screenshot(driver, "comparison")
    rules = driver.find_element(By.ID, "rule-differences").text
    assert "care_guarantee_days" in rules and key in rules
    rows = driver.find_elements(By.CSS_SELECTOR, '#indicator-table tr[data-indicator][data-scenario="guarantee-opt-out"]')
    assert len(rows) >= 10
    intervals = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#indicator-table td.interval")]
    number = r"[-−+]?\d[\d\s.,]*"
    assert any(re.fullmatch(rf"\(\s*{number}\s+to\s+{number}\s*\)", text) for text in intervals), intervals
    wait_row = driver.find_element(By.CSS_SELECTOR, 'tr[data-indicator="mean_wait_days"][data-scenario="guarantee-opt-out"]')
    assert "days" in wait_row.text
    threshold = driver.find_element(By.CSS_SELECTOR, 'input[data-threshold="mean_wait_days"]')
    set_text(threshold, "1000000")
    assert wait_row.find_element(By.CSS_SELECTOR, "td.large-cell").get_attribute("data-large") == "false"
    set_text(threshold, "0")
    large = wait_row.find_element(By.CSS_SELECTOR, "td.large-cell").get_attribute("data-large")
    identical = wait_row.find_element(By.CSS_SELECTOR, "td[data-clear]").get_attribute("data-clear") == "identical"
    assert large == ("false" if identical else "true")
    share_row = driver.find_element(By.CSS_SELECTOR, 'tr[data-indicator="share_within_guarantee"][data-scenario="guarantee-opt-out"]')
    assert "%" in share_row.find_element(By.CSS_SELECTOR, "td.mean-cell").text
    assert "%-p" in share_row.find_element(By.CSS_SELECTOR, "td.difference-cell").text
    # The service package of the whole area below it, without thresholds.
    package = driver.find_element(By.ID, "package-section")
    assert package.is_displayed() and "Service package" in package.text
    cost = driver.find_element(By.CSS_SELECTOR,
                               '#package-table tr[data-indicator="cost_per_visit_eur"][data-scenario="guarantee-opt-out"]')
    assert "cost per visit" in cost.text and "EUR" in cost.text
    assert cost.find_elements(By.CSS_SELECTOR, "td.interval") and not cost.find_elements(By.CSS_SELECTOR, "td.large-cell")
    assert len(driver.find_elements(By.CSS_SELECTOR, "#package-table tbody")) == 18

    # The exports answer.
    for link_id, start in (("export-report", b"<"), ("export-h5", b"\x89HDF")):
        href = driver.find_element(By.ID, link_id).get_attribute("href")
        assert href.startswith(server["base"])
        status, headers, body = fetch(server, href[len(server["base"]):])
        assert status == 200 and body.lstrip()[:len(start)] == start, link_id

    # Finnish: texts from the dictionary, numbers with a decimal comma.
    Select(driver.find_element(By.ID, "language")).select_by_value("fi")
    wait(driver, lambda d: d.find_element(By.ID, "tab-results").text == "3 Erot", message="Finnish tabs")
    intervals = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#indicator-table td.interval")]
    assert any(re.search(r"\d,\d", text) for text in intervals) and not any(re.search(r"\d\.\d", t) for t in intervals)
    assert "Palvelupaketti" in driver.find_element(By.ID, "package-section").text
    assert "Kustannus käyntiä kohden" in driver.find_element(By.ID, "package-table").text
    Select(driver.find_element(By.ID, "language")).select_by_value("en")
    wait(driver, lambda d: d.find_element(By.ID, "tab-results").text == "3 Differences", message="English again")

    # Time series: a series by sector, one line and one band per rule set, a tooltip on hover.
    show_tab(driver, "series")
    names = [o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "#series-select option")]
    assert names
    by_sector = "n_listed_by_sector" if "n_listed_by_sector" in names else names[0]
    Select(driver.find_element(By.ID, "series-select")).select_by_value(by_sector)
    if driver.find_elements(By.ID, "dim-sector"):
        Select(driver.find_element(By.ID, "dim-sector")).select_by_value("private")
    picked = "private" if driver.find_elements(By.ID, "dim-sector") else ""
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#chart-svg path.line")) == 2
         and picked in d.find_element(By.ID, "chart-title").text.lower(), message="two lines of the picked series")
    assert len(driver.find_elements(By.CSS_SELECTOR, "#chart-svg path.band")) == 2
    overlay = driver.find_element(By.CSS_SELECTOR, "#chart-svg rect.overlay")
    ActionChains(driver).move_to_element(overlay).perform()
    tooltip = driver.find_element(By.ID, "chart-tooltip")
    wait(driver, lambda d: tooltip.is_displayed() and "guarantee-opt-out" in tooltip.text, message="chart tooltip")
    assert re.search(r"20\d\d", tooltip.text)
    screenshot(driver, "series")

    # The map: every municipality drawn, the compared ones coloured, the attribution below.
    show_tab(driver, "map")
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#map path[data-code]")) >= 300,
         message="309 municipalities drawn")
    wait(driver, lambda d: any((p.get_attribute("fill") or "").startswith("rgb(")
                               for p in d.find_elements(By.CSS_SELECTOR, "#map path[data-code]")),
         message="municipalities coloured by the comparison")
    assert len(driver.find_elements(By.CSS_SELECTOR, "#map path.has-value")) >= 10
    attribution = driver.find_element(By.ID, "map-attribution").text
    geo = json.loads(fetch(server, "/api/geo")[2])
    assert attribution and attribution == geo.get("attribution", attribution)
    coloured = driver.find_element(By.CSS_SELECTOR, "#map path.has-value")
    ActionChains(driver).move_to_element(coloured).perform()
    wait(driver, lambda d: d.find_element(By.ID, "map-tooltip").is_displayed(), message="map tooltip")
    screenshot(driver, "map")

    severe = [e["message"] for e in driver.get_log("browser")
              if e["level"] == "SEVERE" and "favicon" not in e["message"]]
    assert not severe, severe
