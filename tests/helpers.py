"""Test helpers that read real output: HTML parsing and QR decoding."""

from __future__ import annotations

import re
from pathlib import Path

import zxingcpp
from bs4 import BeautifulSoup
from PIL import Image, ImageDraw


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def rasterize_qr_svg(svg: str, scale: int = 6) -> Image.Image:
    """Draw our QR SVG (a viewBox and one path of 'M x y h w v1 h-w z' runs) as a bitmap."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg, re.IGNORECASE).group(1))
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    path = re.search(r'<path[^>]* d="([^"]+)"', svg).group(1)
    runs = re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path)
    assert "".join(f"M{x} {y}h{w}v1h-{w}z" for x, y, w in runs) == path, "unexpected SVG path syntax"
    for x, y, w in runs:
        x, y, w = int(x), int(y), int(w)
        draw.rectangle([x * scale, y * scale, (x + w) * scale - 1, (y + 1) * scale - 1], fill=0)
    return image


def decode_qr(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image) if result.format == zxingcpp.BarcodeFormat.QRCode]
