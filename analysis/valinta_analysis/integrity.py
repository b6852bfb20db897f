"""Checking that a file is a readable Valinta results file before it is loaded.

The HDF5 library trusts the structure it finds in a file: a damaged file can make it loop for
ever, crash, or fail deep inside h5py or xarray with a message that names neither the file nor
the problem. So before anything in this package reads a file in-process, a child process opens it
with h5py (with a time limit; the child is killed when it runs out) and

- checks that it is a Valinta results file: root attribute ``engine`` = ``valinta``, which the
  engine has always written;
- reads every group, every attribute and every dataset, and resolves every object reference
  (the dimension scales); text must be valid UTF-8;
- of compressed datasets, walks the whole chunk index but does not decompress the chunks: that
  would double the time a big file takes to load, and a damaged chunk makes the real load fail
  with an error that the readers turn into :class:`ResultsFileError` as well.

Only a file that passes is read by the caller; anything else raises :class:`ResultsFileError`,
whose message names the file and says what is wrong:

- ``FILE: not a Valinta results file: ...`` (empty, not HDF5, or HDF5 from something else);
- ``FILE: damaged: ...`` (truncated, unreadable structure or data, invalid text, or reading it did
  not finish in time).

The verdict on a file is remembered (by path, inode, size and modification time) so that the
several readers behind one command check it only once; after running out of time, only a call
with a longer time limit checks again.

This module imports only the standard library at the top: the child runs it as a script.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from typing import Any

#: Time limit of the check: at least this many seconds ...
MIN_SECONDS = 10.0
#: ... plus one second for every this many bytes of file.
BYTES_PER_SECOND = 10_000_000
#: Environment variable that sets the time limit in seconds instead (for very slow disks).
TIMEOUT_VARIABLE = "VALINTA_ANALYSIS_CHECK_TIMEOUT"

#: The first bytes of an HDF5 file (at offset 0, or at 512, 1024, ... after a user block).
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"

#: Numeric data are read in slabs of about this many bytes, so that memory stays bounded.
SLAB_BYTES = 32 * 1024 * 1024

#: Verdicts by (real path, device, inode, size, mtime): (None for a file that passed, else the
#: error to raise again; the time limit of a check that ran out of time, else infinity).
_verdicts: dict[tuple, "tuple[ResultsFileError | None, float]"] = {}


class ResultsFileError(ValueError):
    """A file cannot be read as a Valinta results file: it is not one, or it is damaged. The
    message names the file and says what is wrong."""

    def __init__(self, path: str, problem: str, reason: str):
        self.path = path
        #: 'not a Valinta results file' or 'damaged'.
        self.problem = problem
        self.reason = reason
        super().__init__(f"{path}: {problem}: {reason}")

    def __reduce__(self):
        return type(self), (self.path, self.problem, self.reason)


NOT_RESULTS = "not a Valinta results file"
DAMAGED = "damaged"


def check_results_file(path: "str | os.PathLike[str]", timeout: float | None = None) -> None:
    """Raises :class:`ResultsFileError` unless ``path`` is a Valinta results file whose structure,
    attributes, text and uncompressed data h5py can read; OSError (e.g. FileNotFoundError) if it
    cannot be opened at all.

    The file is read in a child process that is killed after ``timeout`` seconds (default: 10 s
    plus 1 s per 10 MB, or ``$VALINTA_ANALYSIS_CHECK_TIMEOUT``), so a damaged file cannot make
    the caller hang or crash. The verdict is not checked again while the file is unchanged
    (after running out of time: unless ``timeout`` is longer).
    """
    path = os.fspath(path)
    with open(path, "rb") as handle:  # OSError for a missing or unreadable file, as open() gives
        stat = os.fstat(handle.fileno())
        if timeout is None:
            timeout = _default_timeout(stat.st_size)
        key = (os.path.realpath(path), stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
        known, limit = _verdicts.get(key, (None, -1.0))
        if timeout <= limit:
            if known is not None:
                raise ResultsFileError(path, known.problem, known.reason)
            return
        if stat.st_size == 0:
            raise ResultsFileError(path, NOT_RESULTS, "the file is empty")
        if not _has_signature(handle, stat.st_size):
            raise ResultsFileError(path, NOT_RESULTS, "it is not an HDF5 file (no HDF5 signature "
                                   "at its start)")
    status, reason = _run_child(path, timeout)
    if status == "ok":
        _verdicts[key] = (None, math.inf)
        return
    error = ResultsFileError(path, NOT_RESULTS if status == "foreign" else DAMAGED, reason)
    _verdicts[key] = (error, timeout if status == "timeout" else math.inf)
    raise error


def _default_timeout(size: int) -> float:
    configured = os.environ.get(TIMEOUT_VARIABLE)
    if configured:
        try:
            return max(float(configured), 0.1)
        except ValueError:
            pass
    return MIN_SECONDS + size / BYTES_PER_SECOND


def _has_signature(handle, size: int) -> bool:
    """Whether the HDF5 signature is where the library looks for it: offset 0, 512, 1024, ..."""
    offset = 0
    while offset + len(HDF5_SIGNATURE) <= size:
        handle.seek(offset)
        if handle.read(len(HDF5_SIGNATURE)) == HDF5_SIGNATURE:
            return True
        offset = 512 if offset == 0 else offset * 2
    return False


def _run_child(path: str, timeout: float) -> tuple[str, str]:
    """Runs this file as a script on ``path`` in a fresh interpreter; returns its verdict."""
    boot = ("import runpy, sys; sys.path[:1] = []; sys.argv = sys.argv[1:]; "
            "runpy.run_path(sys.argv[0], run_name='__main__')")
    command = [sys.executable or "python3", "-c", boot, os.path.abspath(__file__), path]
    try:
        result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                                timeout=timeout)
    except subprocess.TimeoutExpired:  # subprocess.run has killed the child
        return "timeout", (f"reading it did not finish within {timeout:.0f} s (a damaged file "
                           f"can make the HDF5 library loop for ever); if the file is sound and "
                           f"the machine only slow, set {TIMEOUT_VARIABLE} to more seconds")
    lines = result.stdout.decode("utf-8", "replace").strip().splitlines()
    if result.returncode == 0 and lines:
        try:
            verdict = json.loads(lines[-1])
            return verdict["status"], verdict["reason"]
        except (ValueError, KeyError, TypeError):
            pass
    if result.returncode < 0:
        return "damaged", f"reading it crashed the HDF5 library (signal {-result.returncode})"
    error = result.stderr.decode("utf-8", "replace").strip().splitlines()
    return "damaged", ("the check of the file failed: " + (error[-1] if error else
                                                           f"exit code {result.returncode}"))


# --- the child ------------------------------------------------------------------------------------

def _inspect(path: str) -> tuple[str, str]:
    """Opens ``path`` with h5py and reads everything in it: ('ok', ''), ('foreign', reason) or
    ('damaged', reason)."""
    import h5py
    import numpy as np

    try:
        f = h5py.File(path, "r")
    except Exception as error:  # noqa: BLE001 - any failure to open is the verdict
        return _open_failure(path, str(error))
    with f:
        size = os.path.getsize(path)
        try:
            root = {key: f.attrs[key] for key in f.attrs.keys()}
        except Exception as error:  # noqa: BLE001
            return "damaged", f"cannot read the root attributes: {_clean(error)}"
        engine = root.get("engine")
        if isinstance(engine, bytes):
            engine = engine.decode("utf-8", "replace")
        if engine != "valinta":
            return "foreign", ("an HDF5 file, but not written by Valinta (its root attribute "
                               "'engine' is " + (repr(engine) if engine is not None else "missing")
                               + ", not 'valinta')")

        def check_value(value: Any, where: str) -> None:
            """Text must be valid UTF-8 (h5py hands invalid bytes over as surrogates) and object
            references must lead somewhere; containers are checked element by element."""
            if isinstance(value, bytes):
                value.decode("utf-8")
            elif isinstance(value, str):
                value.encode("utf-8")
            elif isinstance(value, h5py.Reference):
                if value:
                    f[value]
            elif isinstance(value, np.void):
                for item in value.tolist() if value.dtype.names is None else value:
                    check_value(item, where)
            elif isinstance(value, np.ndarray) and value.dtype.kind in "OSUV":
                for item in value.ravel():
                    check_value(item, where)

        def read_dataset(name: str, data: h5py.Dataset) -> None:
            text = data.dtype.kind in "OSUV"
            if not text and data.chunks is not None and data.id.get_create_plist().get_nfilters():
                # Compressed numbers: walk the whole chunk index (where a damaged file can make
                # HDF5 loop) but leave decompressing to the real load, which turns a damaged
                # chunk into a clear error; decompressing twice would double the load's time.
                chunks = data.id.get_num_chunks()
                for index in {0, chunks - 1} if chunks else ():
                    info = data.id.get_chunk_info(index)
                    if info.byte_offset + info.size > size:
                        raise ValueError(f"chunk {index} lies beyond the end of the file")
                return
            if text or data.ndim == 0 or data.nbytes <= SLAB_BYTES:
                check_value(np.asarray(data[()]), name)
                return
            row_bytes = max(data.nbytes // max(data.shape[0], 1), 1)
            rows = max(SLAB_BYTES // row_bytes, 1)
            for start in range(0, data.shape[0], rows):
                data[start:start + rows]

        failure: list[str] = []

        def visit(name: str, obj: Any) -> None:
            if failure:
                return
            where = "/" + name
            kind = "dataset" if isinstance(obj, h5py.Dataset) else "group"
            if not name:
                kind, where = "the root", "group"
            try:
                for key in obj.attrs.keys():
                    try:
                        check_value(obj.attrs[key], where)
                    except UnicodeError:
                        failure.append(f"attribute {key!r} of {kind} {where} holds text that "
                                       "is not valid UTF-8")
                        return
                if isinstance(obj, h5py.Dataset):
                    try:
                        read_dataset(where, obj)
                    except UnicodeError:
                        failure.append(f"dataset {where} holds text that is not valid UTF-8")
            except Exception as error:  # noqa: BLE001
                failure.append(f"cannot read {kind} {where}: {_clean(error)}")

        try:
            visit("", f)
            f.visititems(visit)
        except Exception as error:  # noqa: BLE001 - the walk itself failed on broken links
            failure.append(f"cannot list its contents: {_clean(error)}")
        if failure:
            return "damaged", failure[0]
    return "ok", ""


def _open_failure(path: str, message: str) -> tuple[str, str]:
    message = _clean(message)
    truncated = re.search(r"truncated file: eof = (\d+).*stored_eof = (\d+)", message)
    if truncated:
        return "damaged", (f"the file is truncated: it has {truncated.group(1)} bytes of the "
                           f"{truncated.group(2)} it was written with")
    if "file signature not found" in message:
        return "foreign", "it is not an HDF5 file"
    return "damaged", f"HDF5 cannot open it: {message}"


def _clean(error: Any) -> str:
    """h5py's messages, without the file name (the caller puts that first) and on one line."""
    text = " ".join(str(error).split())
    return text or type(error).__name__


def _child_main(argv: list[str]) -> int:
    try:
        status, reason = _inspect(argv[1])
    except Exception as error:  # noqa: BLE001 - report, never a traceback
        status, reason = "damaged", f"{type(error).__name__}: {_clean(error)}"
    sys.stdout.write(json.dumps({"status": status, "reason": reason}) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv))
