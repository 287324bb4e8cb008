"""Reader for a copied Hugging Face Daily Papers page.

Selecting the page in a browser and pasting it as text gives a header and then
one block per paper::

    Daily Papers                    (header and navigation lines, dropped)
    byAK and the research community
    Dec 11                          the page's own date
    SAMGPT: Text-free Graph ...     title
    Graphs are able to model ...    abstract (absent for some papers)
      • 5 authors                   author count; the names are not on the page
    ·
    Feb 7                           arXiv date, with the upvotes after it: "Jul 18 1"

Blank lines do not matter. A block ends at its date line, so the title is the
first line after the previous block and the abstract is every further line up
to the authors line; the page shows an abstract as one paragraph, so lines are
joined with a space (a blank line in a BibTeX field would end a paragraph there).

The date under a paper is its arXiv publication date: it becomes both the
issued and the listed date. The page leaves out the year of dates in its own
year: a year-less date takes the latest year that puts it on or before the
page's date, and a year-less page date the latest year on or before the day
the page is read as of (``ReadContext.as_of``), which also stands in for a
missing page date. A page date may appear again wherever a block could start,
as when two pages are pasted one after the other.

A block that cannot be read becomes a :class:`~paperbib.model.Problem` citing
its line; the blocks around it still load.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from paperbib.io import plain_line_ends
from paperbib.model import Kind, Paper, PartialDate, Problem
from paperbib.plugins import ReadContext, Reader
from paperbib.text import clean, find_links

__all__ = ["DailyPapersPageReader"]

# Lines of the page's own furniture, dropped wherever they stand. Only exact
# lines: a looser rule could eat a paper's title.
_NAVIGATION = frozenset(
    {
        "new",
        "Get trending papers in your email inbox!",
        "Subscribe",
        "Daily Papers",
        "byAK and the research community",
        "Submit paper",
        "Previous",
        "Next",
        "Load more",
    }
)

_AUTHORS = re.compile(r"(?:•\s*)?(?P<count>\d+)\s+authors?(?:\s*·\s*(?P<date>.*))?")
_SEPARATOR = "·"
# The shape of a date line: a word, a day, maybe a year, maybe the upvotes.
_DATE = re.compile(
    r"(?P<month>[^\W\d_]+)\.?\s+(?P<day>\d{1,2})(?:,\s*(?P<year>\d{4}))?(?:\s+(?P<upvotes>\d+))?"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_DATE_EXAMPLE = "a date such as 'Feb 7' or 'Dec 26, 2024', then the upvotes if shown ('Jul 18 1')"
# "September 30, 2024 12345", with room for stray spaces.
_LONGEST_DATE = 40
# The longest arXiv titles run to about 250 characters; a longer first line is
# an abstract whose title is missing.
_LONGEST_TITLE = 400
# Enough of the text to hold the header and the first paper.
_SNIFF_WINDOW = 16_384
_SIGNATURE = re.compile(r"^[ \t]*•[ \t]*\d+ authors?[ \t]*\r?\n(?:[ \t]*\r?\n)*[ \t]*·", re.M)
_HEADER = re.compile(r"^byAK and the research community\r?$", re.M)


# Plain named tuples: an attrs class costs about a millisecond of start-up each.
class _Line(NamedTuple):
    number: int
    text: str


class _ListedDate(NamedTuple):
    """A date line read: the day (its year perhaps not shown) and the upvotes."""

    month: int
    day: int
    year: int | None
    upvotes: int | None

    def resolve(self, reference: dt.date) -> dt.date:
        """The date, a missing year taken as the latest that is on or before ``reference``."""
        if self.year is not None:
            return dt.date(self.year, self.month, self.day)
        year = reference.year
        if (self.month, self.day) > (reference.month, reference.day):
            year -= 1
        while self.month == 2 and self.day == 29 and not _is_leap(year):
            year -= 1
        if year < dt.MINYEAR:
            raise _DateError(f"no year on or before {reference} has this day")
        return dt.date(year, self.month, self.day)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


class _DateError(ValueError):
    """A date line that has the shape of a date but is none."""


def _parse_date(text: str) -> _ListedDate | None:
    """Read a date line; None when the text is not shaped like one at all."""
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    month = _MONTHS.get(match["month"].lower())
    if month is None:
        raise _DateError(f"{match['month']!r} is not a month")
    day = int(match["day"])
    year = int(match["year"]) if match["year"] else None
    try:
        # Year 2000 was a leap year, so a year-less Feb 29 passes.
        dt.date(2000 if year is None else year, month, day)
    except ValueError:
        shown = f"{match['month']} {match['day']}" + (f", {match['year']}" if match["year"] else "")
        raise _DateError(f"{shown} is not a day of the calendar") from None
    upvotes = int(match["upvotes"]) if match["upvotes"] else None
    return _ListedDate(month, day, year, upvotes)


def _page_date(text: str) -> _ListedDate | None:
    """The page's own date, if ``text`` is one: a date line without upvotes."""
    try:
        date = _parse_date(text)
    except _DateError:
        return None
    return date if date is not None and date.upvotes is None else None


class DailyPapersPageReader(Reader):
    """Reads the text of a Hugging Face Daily Papers page copied from a browser."""

    name = "hf-page"
    description = "a Hugging Face Daily Papers page, copied from the browser as text"
    suffixes = (".txt",)

    def sniff(self, text: str) -> bool:
        head = text[:_SNIFF_WINDOW]
        return bool(_SIGNATURE.search(head) or _HEADER.search(head))

    def read(self, text: str, context: ReadContext) -> Iterator[Paper | Problem]:
        text = plain_line_ends(text)  # load has done it, but read may be called directly
        lines = [
            _Line(number, stripped)
            for number, line in enumerate(text.split("\n"), start=1)
            if (stripped := line.strip()) and stripped not in _NAVIGATION
        ]
        reference = context.as_of
        pending: list[_Line] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            index += 1
            if line.text.startswith(_SEPARATOR):
                # A separator outside an authors line's date slot: the block lost
                # its authors line. Its date goes with it, not to the page.
                if index < len(lines) and _DATE.fullmatch(lines[index].text):
                    index += 1
                yield _no_authors(pending or [line], context)
                pending = []
                continue
            authors = _AUTHORS.fullmatch(line.text)
            if authors is None:
                # Titles and abstracts are most lines; no date is that long.
                page_date = _page_date(line.text) if len(line.text) <= _LONGEST_DATE else None
                if page_date is None:
                    pending.append(line)
                    continue
                if pending:
                    yield _stray(pending, context)
                    pending = []
                try:
                    reference = page_date.resolve(context.as_of)
                except _DateError as error:
                    yield Problem(
                        context.source, line.number, f"cannot place the page date: {error}"
                    )
                continue
            date_line, index = _date_line(lines, index, line, authors["date"])
            yield _block(pending, line, int(authors["count"]), date_line, reference, context)
            pending = []
        if pending:
            yield _stray(pending, context)


def _date_line(
    lines: Sequence[_Line], index: int, authors: _Line, same_line: str | None
) -> tuple[_Line | None, int]:
    """The date line after an authors line at ``lines[index - 1]``, and where to go on.

    The date follows a ``·`` on the authors line itself, on the next line, or on
    a line of its own after a lone ``·``. A line that is not shaped like a date
    is left to start the next block.
    """
    if same_line is not None:
        return _Line(authors.number, same_line.strip()), index
    if index < len(lines) and lines[index].text.startswith(_SEPARATOR):
        after = lines[index].text.removeprefix(_SEPARATOR).strip()
        if after:
            return _Line(lines[index].number, after), index + 1
        index += 1
    if index < len(lines) and _DATE.fullmatch(lines[index].text):
        return lines[index], index + 1
    return None, index


def _block(
    pending: Sequence[_Line],
    authors: _Line,
    author_count: int,
    date_line: _Line | None,
    reference: dt.date,
    context: ReadContext,
) -> Paper | Problem:
    """The paper of one block, or the problem that keeps it from being one."""
    if not pending:
        return Problem(
            context.source,
            authors.number,
            "this authors line has no title above it; "
            "put the paper's title (and abstract) on the lines before it, or delete the line",
        )
    heading = pending[0]
    title = clean(heading.text)
    if not title or len(title) > _LONGEST_TITLE:
        return Problem(
            context.source,
            heading.number,
            f"this block has no title line (its first line is {len(title)} characters of text); "
            "put the paper's title on a line of its own above the abstract",
        )
    if date_line is None:
        return Problem(
            context.source,
            authors.number,
            f"the authors line of {title!r} has no date after it; "
            f"add the '·' line and {_DATE_EXAMPLE}",
        )
    try:
        listed = _parse_date(date_line.text)
    except _DateError as error:
        return Problem(
            context.source,
            date_line.number,
            f"cannot read the date {date_line.text!r} of {title!r}: {error}; write {_DATE_EXAMPLE}",
        )
    if listed is None:
        return Problem(
            context.source,
            date_line.number,
            f"cannot read the date {date_line.text!r} of {title!r}; write {_DATE_EXAMPLE}",
        )
    try:
        published = listed.resolve(reference)
    except _DateError as error:
        return Problem(
            context.source, date_line.number, f"cannot place the date of {title!r}: {error}"
        )
    abstract = clean(" ".join(line.text for line in pending[1:]))
    return Paper.from_source(
        "hf-page",
        f"{context.source}:{heading.number}",
        title=title,
        abstract=abstract,
        author_count=author_count,
        issued=PartialDate.from_date(published),
        listed=published,
        kind=Kind.PREPRINT,
        links=find_links(abstract),
        upvotes=listed.upvotes,
    )


def _no_authors(pending: Sequence[_Line], context: ReadContext) -> Problem:
    first = pending[0]
    return Problem(
        context.source,
        first.number,
        f"the block starting with {_excerpt(first.text)!r} has no '• N authors' line "
        "before its '·' and date; add it (such as '• 3 authors') or delete the block",
    )


def _excerpt(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _stray(pending: Sequence[_Line], context: ReadContext) -> Problem:
    first = pending[0]
    more = len(pending) - 1
    what = f"this line ({_excerpt(first.text)!r})" + (
        f" and {more} more after it belong" if more else " belongs"
    )
    return Problem(
        context.source,
        first.number,
        f"{what} to no paper: a paper block ends with '• N authors', '·' and a date; "
        "complete the block or delete the text",
    )
