"""Draw the example's board photos (公开栏照片): `python tools/board_photos.py [OUT_DIR]`.

The example content needs photos of a village's board, and a real photo would show real people
and places. These are drawn instead, reproducibly (fixed seeds): a sky and a wall, a weathered
blue board with a red title band "村务公开栏", white sheets pinned on it with grey lines of text.
No person. One of them gets a fake EXIF block (camera model and a GPS position) so the example
proves that the published copy carries no metadata (contract §15).

Needs the poster font (`sitegen fonts`) for the title band. Default OUT_DIR: content/xiwang/files.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # appended: an installed sitegen still wins
from sitegen.fonts import locate  # noqa: E402

FONT = locate("NotoSansSC-Bold.ttf")  # the theme's copy, else the one `sitegen fonts` fetched for this user
SIZE = (1200, 900)
GPS_IFD = 0x8825


def sky_and_wall(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    width, height = SIZE
    horizon = 210
    for y in range(horizon):  # pale blue sky, lighter towards the wall
        shade = int(150 + 80 * y / horizon)
        draw.line([(0, y), (width, y)], fill=(shade - 40, shade, 245))
    draw.rectangle([0, horizon, width, height], fill=(205, 196, 182))  # a rendered wall
    for y in range(horizon, height, 36):  # its brick courses, faintly
        draw.line([(0, y), (width, y)], fill=(188, 178, 163), width=2)
        offset = 0 if (y // 36) % 2 else 60
        for x in range(offset, width, 120):
            draw.line([(x, y), (x, y + 36)], fill=(190, 180, 166), width=2)
    for _ in range(900):  # grime
        x, y = rng.randrange(width), rng.randrange(horizon, height)
        tone = rng.randrange(150, 200)
        draw.point((x, y), fill=(tone, tone - 8, tone - 18))


def board(draw: ImageDraw.ImageDraw, rng: random.Random, sheets: int, font: ImageFont.FreeTypeFont) -> None:
    left, top, right, bottom = 110, 150, 1090, 800
    draw.rectangle([left - 14, top - 14, right + 14, bottom + 14], fill=(95, 98, 104))  # steel frame
    draw.rectangle([left, top, right, bottom], fill=(38, 84, 150))  # the blue board
    for _ in range(2500):  # weathering: faded and darker specks
        x, y = rng.randrange(left, right), rng.randrange(top, bottom)
        delta = rng.randrange(-25, 30)
        draw.point((x, y), fill=(38 + delta, 84 + delta, 150 + delta))
    for _ in range(14):  # rust streaks running down from the frame
        x = rng.randrange(left, right)
        draw.line([(x, top), (x + rng.randrange(-6, 6), top + rng.randrange(30, 140))], fill=(120, 90, 70), width=2)
    band = [left, top, right, top + 96]
    draw.rectangle(band, fill=(178, 30, 36))  # the red title band
    title = "村务公开栏"
    box = draw.textbbox((0, 0), title, font=font)
    draw.text(((left + right - (box[2] - box[0])) / 2, top + 48 - (box[3] - box[1]) / 2 - box[1]), title, font=font, fill=(255, 236, 160))
    gap = 26
    sheet_width = (right - left - gap * (sheets + 1)) // sheets
    row_top = top + 122
    row_bottom = min(row_top + int(sheet_width * 1.41), bottom - 24)
    for index in range(sheets):  # a row of portrait sheets
        x0 = left + gap + index * (sheet_width + gap)
        sheet(draw, rng, (x0, row_top + rng.randrange(-6, 8), x0 + sheet_width, row_bottom))
    if bottom - row_bottom > 140:  # room below: two landscape sheets (a table, a notice)
        half = (right - left - gap * 3) // 2
        for index in range(2):
            x0 = left + gap + index * (half + gap)
            sheet(draw, rng, (x0, row_bottom + 26 + rng.randrange(-4, 6), x0 + half, bottom - 22))


def sheet(draw: ImageDraw.ImageDraw, rng: random.Random, box: tuple[int, int, int, int]) -> None:
    """One white sheet pinned to the board: a grey heading bar, grey lines of text, two red pins."""
    x0, y0, x1, y1 = box
    draw.rectangle([x0 + 5, y0 + 6, x1 + 5, y1 + 6], fill=(25, 55, 100))  # shadow
    draw.rectangle([x0, y0, x1, y1], fill=(246, 244, 238))
    draw.rectangle([x0 + 18, y0 + 18, x1 - 18, y0 + 38], fill=(120, 120, 120))  # the heading line
    y = y0 + 62
    while y < y1 - 24:  # lines of text, ragged right
        draw.line([(x0 + 18, y), (x1 - 18 - rng.randrange(0, (x1 - x0) // 3), y)], fill=(150, 150, 150), width=5)
        y += 20
    for pin_x in (x0 + 12, x1 - 12):  # the pins
        draw.ellipse([pin_x - 6, y0 + 4, pin_x + 6, y0 + 16], fill=(200, 40, 40))


def photo(seed: int, sheets: int) -> Image.Image:
    rng = random.Random(seed)
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 64)
    sky_and_wall(draw, rng)
    board(draw, rng, sheets, font)
    # a phone photo is never quite square to the board: a slight turn, and a crop that hides the turned edges
    turned = image.rotate(rng.uniform(-1.5, 1.5), resample=Image.Resampling.BICUBIC)
    margin_x, margin_y = 24, 18
    cropped = turned.crop((margin_x, margin_y, SIZE[0] - margin_x, SIZE[1] - margin_y)).resize(SIZE, Image.Resampling.LANCZOS)
    return cropped.filter(ImageFilter.GaussianBlur(0.6))


def fake_exif() -> Image.Exif:
    """A camera and a position, as a phone writes them: what the published copy must not carry."""
    exif = Image.Exif()
    exif[0x010F] = "ExamplePhone"  # Make
    exif[0x0110] = "ExamplePhone 12"  # Model
    exif[0x0132] = "2026:11:06 09:41:00"  # DateTime
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (37.0, 41.0, 24.5), 3: "E", 4: (118.0, 7.0, 51.2)})
    return exif


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    photo(2026_11_06, 4).save(out / "board-2026-11-a.jpg", "JPEG", quality=80, exif=fake_exif())
    photo(2026_11_07, 3).save(out / "board-2026-11-b.jpg", "JPEG", quality=80)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "content/xiwang/files")
