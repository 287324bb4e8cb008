"""paperbib in a few lines: read a copied Daily Papers page, write BibTeX and CSL-JSON.

Run it from anywhere: python examples/quickstart.py
"""

import datetime as dt
from pathlib import Path

import paperbib

digest = paperbib.load(Path(__file__).with_name("daily-papers.txt"), as_of=dt.date(2026, 11, 27))
for problem in digest.problems:
    print("problem:", problem)

for paper in digest:
    count = paper.author_count if paper.author_count is not None else "?"
    print(f"{paper.issued}  {count:>3} authors  {paper.title}")

bibtex = paperbib.dumps(digest, "bibtex")
print(bibtex.split("\n\n")[0])  # the first entry

csl = paperbib.dumps(digest, "csljson")
print(f"{len(digest)} papers, {len(bibtex)} characters of BibTeX, {len(csl)} of CSL-JSON")
