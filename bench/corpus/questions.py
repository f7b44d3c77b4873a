"""Questions and replies (民主日, 码上问, contract §14.3) on a share of the items.

Most are answered within the profile's 10 reply days, a few later (answered, so not overdue);
none is asked, answered or left open after the calendar's quiet day, so no build as of a day
between it and the bench's as-of date sees a question from its future or one overdue.
"""

from __future__ import annotations

import datetime as dt
import random

from .common import Calendar, after

CHANNELS = ("民主日", "扫码", "电话", "信箱", "扫码", "民主日")


def block(rng: random.Random, calendar: Calendar, posted: dt.date, share: float, pairs: tuple[tuple[str, str], ...]) -> list[str]:
    """`questions:` lines for an item posted on `posted`, with probability `share` (one or two)."""
    if rng.random() >= share:
        return []
    lines = ["questions:"]
    asked = posted
    for _ in range(1 if rng.random() < 0.8 else 2):
        asked = after(rng, asked, 1, 20)
        answered = after(rng, asked, 1, 9) if rng.random() < 0.9 else after(rng, asked, 11, 18)
        if answered > calendar.quiet:
            break
        question, answer = rng.choice(pairs)
        lines += [
            f"  - asked: {asked}",
            f"    channel: {rng.choice(CHANNELS)}",
            f"    question: {question}",
            f"    answered: {answered}",
            f"    answer: {answer}",
        ]
    return lines if len(lines) > 1 else []
