"""Damaged and foreign files: every command and the loading functions end promptly with a clear
message (the file's name and "damaged: ..." or "not a Valinta results file: ...") and exit
code 2 or ResultsFileError, never a hang, a crash or a traceback.

Damage is made from a fresh run file: 100 zeroed bytes where the HDF5 library fails in different
ways on the engine's files, at the first of the structures HDF5 marks with a signature (the global heap of variable-length strings, where
zeroed objects make the library loop for ever; the B-tree of the root group's attributes; the
fractal heap and B-tree leaves of its links); random bytes flipped with fixed seeds, truncation,
and text that is not UTF-8. The structures are found by their signatures rather than at fixed
offsets, as the engine's text attributes (paths in the command line) shift them. The commands run in a subprocess with a time
limit, so a hang fails the test instead of blocking the suite.
"""

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import h5py
import pytest

from conftest import ANALYSIS_DIR

#: Generous bound on one command on a damaged file (the check gives up after 10 s on a small
#: file; starting Python with xarray takes a few seconds on a busy machine).
LIMIT_SECONDS = 90

#: Where 100 bytes are zeroed: (signature, bytes after its first occurrence).
ZEROED = {"global-heap": (b"GCOL", 0),
          "global-heap-objects": (b"GCOL", 14),
          "attribute-btree": (b"BTHD", 0),
          "fractal-heap": (b"FRHP", 0),
          "btree-leaf": (b"BTLF", 0)}
FLIP_SEEDS = (1, 2, 3, 4)
#: Bytes flipped per file: enough that the structure, not only numbers, is hit.
FLIPS = 64

CLEAR = ("damaged: ", "not a Valinta results file: ")


def zeroed(source: Path, target: Path, where: tuple[bytes, int], count: int = 100) -> Path:
    data = bytearray(source.read_bytes())
    signature, after = where
    found = data.find(signature)
    assert found >= 0, f"no {signature!r} in {source}"
    offset = found + after
    assert offset + count <= len(data)
    data[offset:offset + count] = bytes(count)
    target.write_bytes(bytes(data))
    return target


def flipped(source: Path, target: Path, seed: int, count: int = FLIPS) -> Path:
    rng = random.Random(seed)
    data = bytearray(source.read_bytes())
    for position in rng.sample(range(len(data)), count):
        data[position] ^= rng.randrange(1, 256)
    target.write_bytes(bytes(data))
    return target


def bad_utf8(source: Path, target: Path, word: bytes) -> Path:
    """Every stored copy of ``word`` with its second byte made 0xFF (never valid in UTF-8)."""
    data = bytearray(source.read_bytes())
    start = data.find(word)
    assert start >= 0, word
    while start >= 0:
        data[start + 1] = 0xFF
        start = data.find(word, start + 1)
    target.write_bytes(bytes(data))
    return target


def environment(**extra: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ANALYSIS_DIR), env.get("PYTHONPATH", "")])
    env.pop("VALINTA_ANALYSIS_CHECK_TIMEOUT", None)
    env.pop("VALINTA_ANALYSIS_DEBUG", None)
    env.update(extra)
    return env


def run_cli(command: str, path: Path, folder: Path) -> tuple[subprocess.CompletedProcess, float]:
    args = [sys.executable, "-m", "valinta_analysis", command, str(path)]
    if command == "report":
        args += ["-o", str(folder / "out.html")]
    elif command == "plots":
        args += ["-o", str(folder / "plots")]
    start = time.monotonic()
    try:
        result = subprocess.run(args, capture_output=True, text=True, cwd=folder,
                                env=environment(), timeout=LIMIT_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`valinta_analysis {command}` on {path.name} did not finish within "
                    f"{LIMIT_SECONDS} s")
    return result, time.monotonic() - start


def assert_clear_failure(result: subprocess.CompletedProcess, path: Path, command: str) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, f"{command} {path.name}:\n{output}"
    assert result.returncode == 2, f"{command} {path.name}: exit code {result.returncode}\n{output}"
    message = result.stderr.strip()
    assert str(path) in message, message
    assert any(phrase in message for phrase in CLEAR), message


@pytest.fixture(scope="module")
def damaged(small_run, tmp_path_factory) -> dict[str, Path]:
    """Damaged and foreign files by a short name."""
    folder = tmp_path_factory.mktemp("damaged")
    files = {}
    for name, where in ZEROED.items():
        files[f"zeroed-{name}"] = zeroed(small_run, folder / f"zeroed-{name}.h5", where)
    for seed in FLIP_SEEDS:
        files[f"flipped-{seed}"] = flipped(small_run, folder / f"flipped-{seed}.h5", seed)
    whole = small_run.read_bytes()
    files["truncated"] = folder / "truncated.h5"
    files["truncated"].write_bytes(whole[:len(whole) // 2])
    files["empty"] = folder / "empty.h5"
    files["empty"].write_bytes(b"")
    files["not-hdf5"] = folder / "not-hdf5.h5"
    files["not-hdf5"].write_text("step,value\n0,1\n" * 200)
    files["foreign-hdf5"] = folder / "foreign.h5"
    with h5py.File(files["foreign-hdf5"], "w") as f:
        f["step"] = list(range(10))
        f.attrs["title"] = "some other program's results"
    files["other-engine"] = folder / "other-engine.h5"
    with h5py.File(files["other-engine"], "w") as f:
        f["step"] = list(range(10))
        f.attrs["engine"] = "not-valinta"
    # Text that is not UTF-8 in a label dimension (a dataset) and in a root attribute.
    files["bad-utf8-label"] = bad_utf8(small_run, folder / "bad-utf8-label.h5", b"third_sector")
    files["bad-utf8-attribute"] = bad_utf8(small_run, folder / "bad-utf8-attribute.h5",
                                           b"keski-suomi")
    return files


CASES = ([f"zeroed-{name}" for name in ZEROED]
         + [f"flipped-{seed}" for seed in FLIP_SEEDS]
         + ["truncated", "empty", "not-hdf5", "foreign-hdf5", "other-engine", "bad-utf8-label",
            "bad-utf8-attribute"])


#: What the message says for some of the cases.
EXPECTED = {"zeroed-global-heap-objects": "damaged: reading it did not finish",
            "truncated": "damaged: the file is truncated",
            "empty": "not a Valinta results file: the file is empty",
            "not-hdf5": "not a Valinta results file: it is not an HDF5 file",
            "foreign-hdf5": "not a Valinta results file: an HDF5 file, but not written by Valinta",
            "other-engine": "not a Valinta results file",
            "bad-utf8-label": "not valid UTF-8",
            "bad-utf8-attribute": "not valid UTF-8"}


@pytest.mark.parametrize("case", CASES)
def test_summary_fails_clearly(damaged, case, tmp_path):
    result, seconds = run_cli("summary", damaged[case], tmp_path)
    assert_clear_failure(result, damaged[case], "summary")
    assert EXPECTED.get(case, "") in result.stderr
    assert seconds < LIMIT_SECONDS


@pytest.mark.parametrize("command", ["report", "plots", "table"])
@pytest.mark.parametrize("case", ["zeroed-global-heap-objects", "flipped-1", "not-hdf5"])
def test_every_command_fails_clearly(damaged, case, command, tmp_path):
    result, _ = run_cli(command, damaged[case], tmp_path)
    assert_clear_failure(result, damaged[case], command)
    assert not (tmp_path / "out.html").exists()
    assert not (tmp_path / "plots").exists()


LIBRARY_SCRIPT = """
import sys
import valinta_analysis as va
calls = {"load": va.load, "file_kind": va.file_kind, "summary": va.summary,
         "scenario_text": va.scenario_text, "summary_table": va.summary_table}
for path in sys.argv[1:]:
    for name, call in calls.items():
        try:
            call(path)
        except va.ResultsFileError as error:
            assert isinstance(error, ValueError)
            assert str(error).startswith(path + ": "), str(error)
            print("clear", name, path, flush=True)
        except BaseException as error:
            print("unclear", name, path, type(error).__name__, error, flush=True)
        else:
            print("accepted", name, path, flush=True)
"""


def test_library_raises_results_file_error(damaged, tmp_path):
    """The loading functions raise ResultsFileError (a ValueError) naming the file. The time
    limit of the check is shortened through its environment variable to keep the test quick."""
    paths = [str(damaged[case]) for case in CASES]
    try:
        result = subprocess.run([sys.executable, "-c", LIBRARY_SCRIPT, *paths],
                                capture_output=True, text=True, cwd=tmp_path, timeout=300,
                                env=environment(VALINTA_ANALYSIS_CHECK_TIMEOUT="4"))
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"the loading functions did not finish within 300 s:\n{error.stdout}")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5 * len(paths), result.stdout
    assert all(line.startswith("clear ") for line in lines), result.stdout


def test_a_sound_file_passes_and_is_checked_once(small_run):
    import valinta_analysis as va
    from valinta_analysis import integrity
    va.check_results_file(small_run)
    start = time.monotonic()
    va.check_results_file(small_run)  # remembered: no second child process
    assert time.monotonic() - start < 0.5
    assert va.load(small_run).attrs["kind"] == "run"
    assert any(key[0] == os.path.realpath(small_run) and verdict == (None, float("inf"))
               for key, verdict in integrity._verdicts.items())
