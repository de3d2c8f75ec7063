"""Dagster wiring: assets, checks, sensors, schedules and resources over the plain-Python core."""
