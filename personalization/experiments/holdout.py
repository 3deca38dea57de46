"""The personalization holdout's report (placeholder until its data source exists)."""

from __future__ import annotations


def holdout_report():
    return None
