"""Where the default theme is: the one place that knows, so fonts, rules and renderers agree."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def default_theme() -> Path:
    """The theme shipped with sitegen: an installed wheel's package data `sitegen/themes/default`
    (packaged from the repository's top-level `themes/default`), else that folder of the source
    tree itself (a checkout or an editable install, where the package data is not copied)."""
    packaged = resources.files("sitegen").joinpath("themes", "default")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[1] / "themes" / "default"
