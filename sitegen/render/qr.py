"""QR codes as compact inline SVG, cached by URL (a fresh code costs more than the rest of a page)."""

from __future__ import annotations

from functools import lru_cache

import qrcode
import qrcode.constants

QUIET_ZONE = 4  # modules on every side (ISO/IEC 18004, Denso Wave)


@lru_cache(maxsize=4096)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """Modules of the smallest QR code holding `data` at error correction M, without the quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data, optimize=0)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


@lru_cache(maxsize=4096)
def qr_svg(data: str, label: str = "") -> str:
    """An SVG of the code with its quiet zone: one path of horizontal runs, sized by CSS.

    Dark runs are merged per row, so a 33×33 code is a few hundred bytes, not thousands of rects.
    """
    matrix = qr_matrix(data)
    size = len(matrix) + 2 * QUIET_ZONE
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start + QUIET_ZONE} {y + QUIET_ZONE}h{x - start}v1h{start - x}z")
            else:
                x += 1
    title = f"<title>{_escape(label)}</title>" if label else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges" role="img"{" aria-label=" + chr(34) + _escape(label) + chr(34) if label else ""}>'
        f"{title}"
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
