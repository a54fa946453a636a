"""Oversight: indicators computed from the records, by period."""
