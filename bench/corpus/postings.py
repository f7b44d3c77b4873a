"""Board photos (公开栏照片, contract §14.4) in the villages that photograph their board monthly.

Each photo is a real JPEG, distinct in its pixels, so a build decodes, cleans and re-encodes
every one (contract §15) as it would a clerk's phone photos: a board drawn once by
tools/board_photos.py (needs the poster font), scaled to 640×480, with the month's fresh sheets
drawn on it.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import random
import sys
from pathlib import Path

from .common import Calendar

SHARE = 0.2  # villages that photograph their board
SIZE = (640, 480)
TOOLS = Path(__file__).resolve().parents[2] / "tools"


@functools.cache
def boards() -> tuple:
    """Two drawn boards (three and four sheets), made once per process."""
    sys.path.insert(0, str(TOOLS))
    import board_photos  # noqa: PLC0415 (tools/ is not a package)
    from PIL import Image  # noqa: PLC0415

    if not board_photos.FONT.exists():
        raise SystemExit(f"gen.py: the board photos need the poster font {board_photos.FONT}; run `sitegen fonts` or `make fonts`")
    return tuple(board_photos.photo(seed, sheets).resize(SIZE, Image.Resampling.LANCZOS) for seed, sheets in ((2024_01, 3), (2024_02, 4)))


def photo(rng: random.Random) -> bytes:
    """One photo of the board: new white sheets with grey lines pinned over the old ones."""
    from PIL import ImageDraw  # noqa: PLC0415

    image = rng.choice(boards()).copy()
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(2, 4)):
        x, y = rng.randrange(70, 510), rng.randrange(135, 330)
        width, height = rng.randrange(50, 105), rng.randrange(65, 120)
        draw.rectangle([x, y, x + width, y + height], fill=(246, 244, 238))
        for line in range(y + 14, y + height - 8, 12):
            draw.line([(x + 8, line), (x + width - 8 - rng.randrange(0, width // 3), line)], fill=(150, 150, 150), width=3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=75)
    return out.getvalue()


def write_all(rng: random.Random, calendar: Calendar) -> tuple[dict[str, str], dict[str, bytes]]:
    """(`postings/<YYYY-MM>.yaml` texts by month, photos by file name), from a month in the
    corpus's first two years to its last December; none for most villages."""
    if rng.random() >= SHARE:
        return {}, {}
    months = [(year, month) for year in calendar.years for month in range(1, 13)]
    records, photos = {}, {}
    for year, month in months[rng.randint(0, min(23, len(months) - 1)):]:
        date = dt.date(year, month, rng.randint(8, 20))
        names = [f"board-{year}-{month:02d}-{letter}.jpg" for letter in "ab"[: rng.randint(1, 2)]]
        for name in names:
            photos[name] = photo(rng)
        shown = ", ".join(f"files/{name}" for name in names)
        previous = 12 if month == 1 else month - 1
        records[f"{year}-{month:02d}.yaml"] = f"date: {date}\nphotos: [{shown}]\nnote: {previous}月财务收支公开已于{date.month}月{date.day}日上墙。\n"
    return records, photos
