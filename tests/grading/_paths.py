"""Locations shared by the grading tests (kept out of conftest so tests can import them)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LABS_DIR = ROOT / "courses" / "applied-ml-dl" / "labs"
LAB_SLUGS = sorted(p.name for p in LABS_DIR.iterdir() if (p / "lab.yaml").is_file())
ATTACKS_DIR = Path(__file__).resolve().parent / "attacks"
