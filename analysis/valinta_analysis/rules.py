"""Which rules differ between the scenarios of a comparison: read from the resolved scenarios the
file holds (``scenarios/<label>/resolved``), so a report or the workbench states what was
compared, not only which files."""

from __future__ import annotations

import pandas as pd
import yaml

from .results import DataLike, dataset, expect_kind, open_h5, source_path
from .tables import baseline, scenarios

#: Keys that name or describe a scenario rather than set a rule.
NOT_RULES = ("name", "description")


def flatten_scenario(tree, prefix: str = "") -> dict:
    """A resolved scenario as dotted keys -> values; lists (zones, producers, events) whole."""
    out = {}
    if isinstance(tree, dict):
        for name, value in tree.items():
            key = f"{prefix}{name}"
            if isinstance(value, dict):
                out.update(flatten_scenario(value, key + "."))
            else:
                out[key] = value
    return out


def _shown(value):
    """A value as a short text: lists and mappings in YAML flow style, dates as ISO text."""
    if isinstance(value, (list, dict)):
        return yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10**6).strip()
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return value


def resolved_scenarios(data: DataLike) -> dict[str, dict]:
    """Each scenario of a comparison as dotted keys -> values, by its label."""
    ds = dataset(data)
    expect_kind(ds, "comparison")
    path = source_path(data)
    out = {}
    with open_h5(path) as f:
        for label in scenarios(ds):
            text = f[f"scenarios/{label}/resolved"][()]
            out[label] = flatten_scenario(yaml.safe_load(text.decode() if isinstance(text, bytes) else text))
    return out


def rule_differences(data: DataLike) -> pd.DataFrame:
    """One row per (scenario, key) whose value differs from the baseline's: columns scenario,
    key, baseline, value (texts for lists). Empty when the scenarios differ only in name."""
    ds = dataset(data)
    resolved = resolved_scenarios(data)
    base_label = baseline(ds)
    base = resolved[base_label]
    rows = []
    for label, other in resolved.items():
        if label == base_label:
            continue
        for key in sorted(set(base) | set(other)):
            if key in NOT_RULES or base.get(key) == other.get(key):
                continue
            rows.append({"scenario": label, "key": key, "baseline": _shown(base.get(key)),
                         "value": _shown(other.get(key))})
    return pd.DataFrame(rows, columns=["scenario", "key", "baseline", "value"])
