"""The route of an activity drawn from its own coordinates: an SVG polyline, no map tiles, works offline.

Projection: local equirectangular around the route's middle latitude (x = east metres, y = north
metres, longitude scaled by cos(latitude)). Over the few kilometres of a run or ride this is
within a fraction of a percent of the true shape, and it needs no map library or tile server.
The SVG's coordinates are those metres (north up), so the drawing keeps the route's proportions
whatever size the page gives it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

EARTH_RADIUS_M = 6_371_000.0
MAX_ROUTE_POINTS = 1500  # more than a phone-wide drawing can show; keeps the page small
MARGIN = 0.06  # of the longer side, so the start and finish marks are not cut at the edge
MARK_SIZE = 0.018  # radius of the start/finish marks, as a share of the longer side
MIN_ASPECT = 0.4  # a route running straight east is drawn in a box at least this tall (a readable band)


@dataclass(frozen=True)
class RouteDrawing:
    view_box: str
    points: str  # the polyline's "x,y x,y ..."
    start: tuple[float, float]
    finish: tuple[float, float]
    mark_radius: float
    width_m: float  # east-west extent, for the caption
    height_m: float


def route_drawing(samples: pd.DataFrame) -> RouteDrawing | None:
    """The route, or None without at least two distinct positions."""
    if samples is None or samples.empty or not {"lat_deg", "lon_deg"} <= set(samples.columns):
        return None
    lat = samples["lat_deg"].to_numpy(dtype=float)
    lon = samples["lon_deg"].to_numpy(dtype=float)
    # (0, 0) is a receiver's "no fix yet", not a point in the Gulf of Guinea
    ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180) & ((lat != 0) | (lon != 0))
    lat, lon = lat[ok], lon[ok]
    if len(lat) < 2:
        return None
    step = max(1, math.ceil(len(lat) / MAX_ROUTE_POINTS))
    picked = np.unique(np.append(np.arange(0, len(lat), step), len(lat) - 1))  # the finish is always drawn
    lat, lon = lat[picked], lon[picked]
    middle = math.radians((lat.min() + lat.max()) / 2)
    east = np.radians(lon - lon.min()) * math.cos(middle) * EARTH_RADIUS_M
    north = np.radians(lat - lat.min()) * EARTH_RADIUS_M
    width, height = float(east.max()), float(north.max())
    longer = max(width, height)
    if longer < 1.0:  # standing still: nothing to draw
        return None
    y = height - north  # SVG y grows downwards; north is up
    pad = MARGIN * longer
    pad_x = pad + max(0.0, MIN_ASPECT * height - width) / 2
    pad_y = pad + max(0.0, MIN_ASPECT * width - height) / 2
    view_box = f"{-pad_x:.1f} {-pad_y:.1f} {width + 2 * pad_x:.1f} {height + 2 * pad_y:.1f}"
    points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(east, y, strict=True))
    return RouteDrawing(view_box, points, (float(east[0]), float(y[0])), (float(east[-1]), float(y[-1])),
                        MARK_SIZE * longer, width, height)
