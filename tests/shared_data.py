"""Where the shared material beside the checkout lives; tests that use it skip without it."""

from __future__ import annotations

from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seeds" / "hf-daily-papers.txt"
RESEARCH_RAW = SHARED / "research-raw"
ZOTERO_RIS_CASES = RESEARCH_RAW / "ris" / "zotero_RIS.js_import_testcases_subset.json"
