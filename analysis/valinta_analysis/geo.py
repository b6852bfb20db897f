"""Municipal boundaries for the maps: Finland's 309 municipalities of 2021 from
``scenarios/data/municipalities_2021.geojson`` (generalised boundaries of the National Land Survey
of Finland, CC BY 4.0), drawn with matplotlib in an equirectangular projection.

The file is the one given to the function (``--boundaries`` on the command line), else the one
named by the environment variable ``VALINTA_BOUNDARIES``, else the first found of
``$VALINTA_SCENARIOS/data/municipalities_2021.geojson`` and the scenarios folder beside the
package: ``scenarios/data`` beside ``analysis/`` in the repository, and
``share/valinta/scenarios/data`` beside ``share/valinta/python`` when installed (both
``../../scenarios/data`` from the package's own folder). A package installed with pip on its own
has no scenarios folder: name the file then. Without it, the maps are left out of a report with
the reason.

Municipalities are matched to the zones of a results file by their code (``zone_code``, three
digits, e.g. '179' for Jyväskylä).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
from matplotlib.collections import PatchCollection
from matplotlib.patches import PathPatch
from matplotlib.patheffects import withStroke
from matplotlib.path import Path as MplPath

from .results import MissingData

FILE_NAME = "municipalities_2021.geojson"
ENVIRONMENT = "VALINTA_BOUNDARIES"
#: To be printed under every map drawn from the boundaries (the licence asks for it).
ATTRIBUTION = "Municipal boundaries: National Land Survey of Finland, 2021, CC BY 4.0"
#: Municipalities outside the scenario, drawn as context.
CONTEXT_FACE = "0.86"
CONTEXT_EDGE = "white"
#: Municipalities of the scenario without a value (e.g. no one eligible to choose).
NO_VALUE_FACE = "0.68"

_PACKAGE = Path(__file__).resolve().parent


def candidates(path: str | os.PathLike | None = None) -> list[Path]:
    """Where the boundaries are looked for, in order (see the module's description). A path given
    to the function or in VALINTA_BOUNDARIES is the only place looked at: a wrong one is an error,
    not a reason to take another file."""
    if path:
        return [Path(path)]
    if os.environ.get(ENVIRONMENT):
        return [Path(os.environ[ENVIRONMENT])]
    found = []
    if os.environ.get("VALINTA_SCENARIOS"):
        found.append(Path(os.environ["VALINTA_SCENARIOS"]) / "data" / FILE_NAME)
    found.append(_PACKAGE.parent.parent / "scenarios" / "data" / FILE_NAME)
    return found


def find_boundaries(path: str | os.PathLike | None = None) -> Path:
    """The GeoJSON file of municipal boundaries; MissingData (naming where it looked) if none."""
    looked = candidates(path)
    for candidate in looked:
        if candidate.is_file():
            return candidate
    raise MissingData(f"no municipal boundaries ({FILE_NAME}): give the file with --boundaries "
                      f"or {ENVIRONMENT}=FILE (looked for {', '.join(map(str, looked))})")


class Municipality:
    """One municipality: its code, Finnish name and boundary as a compound matplotlib Path
    (exteriors counter-clockwise, holes clockwise, so holes stay empty when filled)."""

    def __init__(self, code: str, name: str, path: MplPath, centre: tuple[float, float]):
        self.code, self.name, self.path, self.centre = code, name, path, centre

    def bounds(self) -> tuple[float, float, float, float]:
        """(min lon, min lat, max lon, max lat) in degrees."""
        vertices = self.path.vertices
        return (*vertices.min(axis=0), *vertices.max(axis=0))


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def _compound_path(polygons: list) -> MplPath:
    """One Path of GeoJSON polygons (lists of rings: the exterior, then holes)."""
    vertices, codes = [], []
    for polygon in polygons:
        for k, ring in enumerate(polygon):
            ring = np.asarray(ring, dtype=float)[:, :2]
            if len(ring) < 3:
                continue
            exterior = k == 0
            if (_signed_area(ring) > 0) != exterior:  # exterior anticlockwise, holes clockwise
                ring = ring[::-1]
            ring_codes = np.full(len(ring), MplPath.LINETO, dtype=MplPath.code_type)
            ring_codes[0] = MplPath.MOVETO
            ring_codes[-1] = MplPath.CLOSEPOLY
            vertices.append(ring)
            codes.append(ring_codes)
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def _centre(polygons: list) -> tuple[float, float]:
    """The centre of the largest exterior ring's bounding box: where a name goes."""
    rings = [np.asarray(polygon[0], dtype=float)[:, :2] for polygon in polygons]
    largest = max(rings, key=lambda r: abs(_signed_area(r)))
    low, high = largest.min(axis=0), largest.max(axis=0)
    return float((low[0] + high[0]) / 2), float((low[1] + high[1]) / 2)


@lru_cache(maxsize=4)
def _read(path: str, modified: float) -> tuple[Municipality, ...]:
    with open(path, encoding="utf-8") as f:
        collection = json.load(f)
    municipalities = []
    for feature in collection.get("features", []):
        geometry = feature.get("geometry") or {}
        properties = feature.get("properties") or {}
        if geometry.get("type") == "Polygon":
            polygons = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiPolygon":
            polygons = geometry["coordinates"]
        else:
            continue
        code = normal_code(properties.get("code", ""))
        municipalities.append(Municipality(code, str(properties.get("name_fi", code)),
                                           _compound_path(polygons), _centre(polygons)))
    return tuple(municipalities)


def load_boundaries(path: str | os.PathLike | None = None) -> tuple[Municipality, ...]:
    """Every municipality of the GeoJSON file (found with :func:`find_boundaries`), in file
    order. Read once per file and kept."""
    found = find_boundaries(path)
    try:
        return _read(str(found), found.stat().st_mtime)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise MissingData(f"cannot read the municipal boundaries {found}: {error}") from error


def normal_code(code: object) -> str:
    """A municipality code as three digits: 179, '179' and b'179' -> '179'; 5 -> '005'."""
    if isinstance(code, bytes):
        code = code.decode()
    text = str(code).strip()
    return text.zfill(3) if text.isdigit() else text


def draw_municipalities(ax, values: dict[str, float], cmap, norm,
                        boundaries: str | os.PathLike | None = None,
                        names: bool = True, margin: float = 0.12,
                        name_at: dict[str, tuple[float, float]] | None = None) -> PatchCollection:
    """Draws every municipality of the boundaries on ``ax``: those in ``values`` (code -> value)
    coloured with ``cmap`` and ``norm`` (NaN values in grey), the others light grey as context,
    and zooms to the municipalities in ``values`` with a margin. Longitude and latitude are drawn
    as x and y with the aspect 1 / cos(mean latitude) (an equirectangular projection), so shapes
    are true at the region's latitude. With ``names``, each coloured municipality is named at
    ``name_at[code]`` (longitude, latitude; e.g. the zone's centre in the results file), else at
    the middle of its largest part.

    Returns the collection of coloured municipalities and context together (one patch per
    municipality, in file order; its ``gid`` is 'municipalities', its ``codes`` the
    municipality codes and its ``missing`` the codes of ``values`` that the boundaries lack, such
    as a municipality merged into another before 2021: those are named in a note on the map)."""
    municipalities = load_boundaries(boundaries)
    known = {m.code for m in municipalities}
    missing = sorted(set(values) - known)
    patches, faces = [], []
    for m in municipalities:
        patches.append(PathPatch(m.path))
        if m.code not in values:
            faces.append(CONTEXT_FACE)
        elif np.isfinite(values[m.code]):
            faces.append(cmap(norm(values[m.code])))
        else:
            faces.append(NO_VALUE_FACE)
    edges = ["0.35" if m.code in values else CONTEXT_EDGE for m in municipalities]
    collection = PatchCollection(patches, facecolors=faces, edgecolors=edges, linewidths=0.5)
    collection.set_gid("municipalities")
    collection.codes = [m.code for m in municipalities]
    collection.missing = missing
    ax.add_collection(collection)
    if missing:
        ax.text(0.01, 0.01, "not on the 2021 map (code): " + ", ".join(missing),
                transform=ax.transAxes, fontsize=7, color="0.2", va="bottom")
    inside = [m for m in municipalities if m.code in values] or list(municipalities)
    bounds = np.array([m.bounds() for m in inside])
    west, south = bounds[:, 0].min(), bounds[:, 1].min()
    east, north = bounds[:, 2].max(), bounds[:, 3].max()
    pad_x, pad_y = (east - west) * margin, (north - south) * margin
    ax.set_xlim(west - pad_x, east + pad_x)
    ax.set_ylim(south - pad_y, north + pad_y)
    ax.set_aspect(1 / max(np.cos(np.deg2rad((south + north) / 2)), 0.1))
    ax.set_facecolor("#f4f7fa")
    if names:
        for m in inside:
            if m.code in values:
                where = (name_at or {}).get(m.code, m.centre)
                ax.annotate(m.name, where, xytext=(0, 5), textcoords="offset points",
                            ha="center", va="bottom", fontsize=6.5, color="0.1",
                            path_effects=[withStroke(linewidth=2, foreground="white")])
    return collection
