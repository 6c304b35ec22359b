"""Statistics after a run as text (``--stats``): the summary of emu/profile.py's Profile.

Kept for callers of ``text_summary(chip)``; with profiling enabled before the run the summary
also lists the hottest functions and data.
"""
from __future__ import annotations

from typing import List


def text_summary(chip, result=None, wall_seconds=None) -> List[str]:
    from .profile import Profile
    return Profile.from_chip(chip, result=result, wall_seconds=wall_seconds).text_summary()
