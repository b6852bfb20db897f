"""valinta-workbench [--port N] [--workspace DIR] [--no-browser]: starts the workbench on
127.0.0.1 and prints the address to open (with this start's token)."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import socket
import sys
import webbrowser
from pathlib import Path

HERE = Path(__file__).resolve().parent


def find_engine(given: str | None) -> Path | None:
    """The valinta executable: --valinta, $VALINTA_BIN, beside this package when installed
    (PREFIX/share/valinta/python -> PREFIX/bin), the repository's release build, or on PATH."""
    installed = HERE.parents[3] if len(HERE.parents) > 3 else None  # PREFIX of PREFIX/share/valinta/python
    candidates = [given, os.environ.get("VALINTA_BIN"),
                  installed / "bin" / "valinta" if installed else None,  # an installed tree
                  installed / "valinta" if installed else None,  # a build tree (build/release/share/...)
                  HERE.parents[1] / "build" / "release" / "valinta", shutil.which("valinta")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate).resolve()
    return None


def find_scenarios() -> Path | None:
    """The project's rule sets: $VALINTA_SCENARIOS, the repository's scenarios/, or the installed
    share/valinta/scenarios."""
    # HERE.parents[1]: the repository (analysis/valinta_workbench) or share/valinta (installed).
    for candidate in (os.environ.get("VALINTA_SCENARIOS"), HERE.parents[1] / "scenarios"):
        if candidate and (Path(candidate) / "keski-suomi.yaml").is_file():
            return Path(candidate).resolve()
    return None


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="valinta-workbench", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8765, help="port (0: any free one; default %(default)s)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default %(default)s: this machine only)")
    parser.add_argument("--workspace", default="valinta-workspace",
                        help="folder for edited rule sets and results (default ./%(default)s)")
    parser.add_argument("--valinta", help="the engine's executable (default: found beside or in the build)")
    parser.add_argument("--threads", type=int, default=0, help="engine threads per run (default: all cores)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    args = parser.parse_args(argv)

    engine = find_engine(args.valinta)
    if engine is None:
        print("valinta-workbench: cannot find the valinta program; build it (cmake --workflow --preset "
              "release) or name it with --valinta or VALINTA_BIN", file=sys.stderr)
        return 2
    scenarios = find_scenarios()
    if scenarios is None:
        print("valinta-workbench: cannot find the example scenarios; set VALINTA_SCENARIOS", file=sys.stderr)
        return 2
    workspace = Path(args.workspace).resolve()
    workspace.mkdir(parents=True, exist_ok=True)
    port = args.port or free_port(args.host)

    from .server import Settings, create_app
    settings = Settings(valinta=engine, scenarios=scenarios, workspace=workspace, port=port, host=args.host,
                        threads=args.threads)
    app = create_app(settings)
    address = f"http://{args.host}:{port}/?token={settings.token}"
    print(f"valinta-workbench: open {address}", flush=True)
    print(f"  engine {engine}, rule sets {scenarios}, workspace {workspace}; stop with Ctrl-C", flush=True)
    if not args.no_browser:
        webbrowser.open(address)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app.run(host=args.host, port=port, threaded=True, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
