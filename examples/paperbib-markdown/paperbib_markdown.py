"""An example paperbib exporter plugin: papers as a Markdown reading list.

Install it next to paperbib (``pip install examples/paperbib-markdown``) and
``paperbib formats`` lists it; ``paperbib export digest.txt --to markdown`` uses it.
"""

from __future__ import annotations

from collections.abc import Sequence

from paperbib import LinkKind, Paper
from paperbib.plugins import Exporter, ExportOptions


class MarkdownExporter(Exporter):
    name = "markdown"
    description = "Markdown reading list (example plugin)"
    suffix = ".md"

    def export(self, papers: Sequence[Paper], options: ExportOptions) -> str:
        lines = []
        for paper in papers:
            year = f" ({paper.year})" if paper.year else ""
            code = paper.link(LinkKind.CODE)
            tail = f" [code]({code.url})" if code else ""
            lines.append(f"- **{paper.title or 'Untitled'}**{year} `{paper.citation_key}`{tail}")
        return "\n".join(lines) + "\n"
