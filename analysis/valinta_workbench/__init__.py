"""Valinta's policy workbench: a local web application to edit rule sets, run comparisons with
the engine and read their results (docs/workbench.md). Start it with ``valinta-workbench`` or
``python3 -m valinta_workbench``."""

__version__ = "0.1.0"
