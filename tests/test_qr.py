"""QR codes: the encoded text is exactly the URL, at error correction M or better, with a quiet zone."""

from __future__ import annotations

import re

import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from helpers import rasterize_qr_svg

from sitegen.render.qr import QUIET_ZONE, qr_matrix, qr_svg

slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)


@settings(max_examples=60, deadline=None)
@given(slugs, st.integers(2000, 2099), st.integers(1, 12))
def test_codes_decode_to_the_url_at_level_m_or_better(village, year, month):
    url = f"https://cwgk.example.gov.cn/qinghe/{village}/finance/{year}-{month:02d}/"
    svg = qr_svg(url)
    (result,) = zxingcpp.read_barcodes(rasterize_qr_svg(svg))
    assert result.format == zxingcpp.BarcodeFormat.QRCode
    assert result.text == url
    assert result.ec_level in ("M", "Q", "H")


def test_quiet_zone_is_four_modules():
    url = "https://cwgk.example.gov.cn/qinghe/dongtan/"
    modules = len(qr_matrix(url))
    svg = qr_svg(url)
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    assert size == modules + 2 * QUIET_ZONE
    runs = [tuple(map(int, r)) for r in re.findall(r"M(\d+) (\d+)h(\d+)", svg)]
    assert min(x for x, _, _ in runs) == QUIET_ZONE and min(y for _, y, _ in runs) == QUIET_ZONE
    assert max(x + w for x, _, w in runs) == size - QUIET_ZONE
