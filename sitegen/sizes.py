"""File sizes as a download link shows them."""


def size_label(size: int) -> str:
    """57 KB, 1.2 MB: what a villager on a metered phone wants to know before tapping."""
    if size < 1000 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"
