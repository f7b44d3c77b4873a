"""sitegen: village affairs disclosure (村务公开) websites and board posters from a content folder."""

__version__ = "0.1.0"
__all__ = ["__version__"]
