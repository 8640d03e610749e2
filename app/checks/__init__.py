"""Per-country checks from programme data: what a meeting, report or phase should have."""
