"""The valinta binary that the Python tests run: $VALINTA_BIN (ctest sets it to the binary just
built), else build/release/valinta in this repository. A VALINTA_BIN that names no file fails
the test; no binary at all skips it, saying how to build one.

Test files outside analysis/ import it with tests/support on sys.path:

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
    from engine_binary import valinta_binary
"""

import os
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parents[2]


def valinta_binary() -> Path:
    """The absolute path of the engine's binary (see the module's text)."""
    configured = os.environ.get("VALINTA_BIN")
    if configured:
        path = Path(configured)
        if not path.is_file():
            pytest.fail(f"VALINTA_BIN={configured} does not exist")
        return path.resolve()
    path = REPO_DIR / "build" / "release" / "valinta"
    if not path.is_file():
        pytest.skip(f"no valinta binary: build it (cmake --workflow --preset release) or set "
                    f"VALINTA_BIN; looked for {path}")
    return path
