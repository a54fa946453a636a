"""Oversight: 周统计、旬分析、月调度 — reporting periods, indicators, targets against actual
and the reports a county submits and the level above accepts or returns (issue 13)."""
