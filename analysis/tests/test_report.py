"""The command line: an HTML report and a directory of PNGs from a small run."""

import os
import re
import subprocess
import sys

from conftest import ANALYSIS_DIR

from valinta_analysis import plots


def run_cli(*args):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ANALYSIS_DIR), env.get("PYTHONPATH")]))
    result = subprocess.run([sys.executable, "-m", "valinta_analysis", *map(str, args)],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def make_report(results, output) -> str:
    """Runs `report` on a results file and returns the HTML, which must be a whole page."""
    run_cli("report", results, "-o", output)
    text = output.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    return text


def embedded_images(text: str) -> list[str]:
    return re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)


def assert_self_contained(text: str) -> None:
    """No scripts, no stylesheets or images from elsewhere, no links out."""
    assert "<script" not in text.lower()
    assert "<link" not in text.lower()
    assert "href=" not in text.lower()
    assert re.findall(r'src="(?!data:)', text) == []
    assert "http://" not in text and "https://" not in text


def test_report(small_run, tmp_path):
    text = make_report(small_run, tmp_path / "report.html")
    assert "keski-suomi" in text
    assert "Headline figures" in text and "switched producer at least once" in text
    images = embedded_images(text)
    assert len(images) == len(plots.FIGURES)
    assert all(len(image) > 10_000 for image in images)
    assert text.count("<figcaption>") == len(plots.FIGURES)
    assert_self_contained(text)


def test_plots_command(small_run, tmp_path):
    output = tmp_path / "figures"
    result = run_cli("plots", small_run, "-o", output, "--dpi", "50")
    written = sorted(p.name for p in output.iterdir())
    assert written == sorted(f"{name}.png" for name in plots.FIGURES)
    assert all((output / name).stat().st_size > 5_000 for name in written)
    assert f"{len(plots.FIGURES)} figures" in result.stdout


def test_summary_command(small_run):
    result = run_cli("summary", small_run)
    assert "Residents simulated: " in result.stdout


def test_missing_file_is_an_error(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ANALYSIS_DIR))
    result = subprocess.run([sys.executable, "-m", "valinta_analysis", "report",
                             str(tmp_path / "none.h5")], capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert "no such file" in result.stderr
