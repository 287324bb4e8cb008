r"""Cleaning digest text into the model's text convention, and finding its links.

The model's text fields are Unicode plain text in which ``$...$`` spans are TeX
math, kept exactly as written (``Re$^3$Dial``), as arXiv and Hugging Face write
them. Which dollars delimit math follows Pandoc's rule, the one the LaTeX
writer applies too: the opening ``$`` is followed by a non-space, the closing
``$`` follows a non-space and is not followed by a digit. So ``$^3$`` is math
and ``costs $5 and $10`` is two prices. :func:`split_math` is that rule.

Any other ``$`` is a literal dollar sign and any backslash a literal backslash.

:func:`clean` turns digest text into that form. It decodes only text-mode LaTeX
whose meaning is unambiguous, from a small table of our own:

* the escapes ``\%`` ``\&`` ``\_`` ``\#`` ``\{`` ``\}`` and ``\~{}`` ``\^{}``;
* ``\$``, a literal dollar, becomes ``$`` unless that would make a math span
  that the digest did not have (``\$x\$``): then every ``\$`` of the text stays
  as written, a backslash and a dollar, because a literal dollar must never
  turn into math in the model;
* accents on a letter, with or without braces: ``\'e``, ``\'{e}``, ``{\"o}``,
  ``\v{c}``, ``\c c``, ``\'\i`` (é ö č ç í). An accent that has no precomposed
  Unicode letter (``\r{x}``) is left as written;
* letters and symbols by name: ``\ss`` ``\o`` ``\ae`` ``\l`` ``\i`` …, ``\ldots``,
  ``\textendash`` …; as in TeX, the space that ends a letter's name is dropped
  (``Stra\ss e`` is Straße), but a space after a symbol is kept, since digest
  writers mean it (``\ldots and``);
* style wrappers are unwrapped: ``\textbf{x}``, ``\emph{x}``, ``\textit{x}`` and
  kin, and ``{\bf x}``, ``{\em x}`` … become ``x``.

Everything else stays as written: ``--`` and ``~`` (a dash and a tilde are also
plain text), ``\\``, unknown commands such as ``\eg`` or ``\input{x}``, and all
of a math span. Exporters decide how to write a literal backslash safely.

pylatexenc and latexcodec were tried and not used. pylatexenc's ``latex2text``
deletes unknown macros (``(\eg users)`` becomes ``(users)``, ``\800`` becomes
``00``, ``\input{x}`` vanishes) and flattens math (``Re^3Dial``); latexcodec
turns ``--`` into an en dash and ``$^3$`` into ³, and rewrites unknown commands
(``\textbf {x}``). Both lose or change text a bibliography must keep, and both
cost an import on every CLI start.
"""

from __future__ import annotations

import html
import re
import unicodedata

from paperbib.model import Link, LinkKind

__all__ = [
    "clean",
    "decode_latex",
    "find_links",
    "fold_whitespace",
    "link_kind",
    "normalise_title",
    "split_math",
    "trim_trailing_punctuation",
]

# Pandoc's rule (see the module docstring). A backslash escape is consumed
# first, so that the ``\$`` of digest text never opens or closes a span.
_MATH_OR_ESCAPE = re.compile(r"\\.|(?P<math>\$(?=[^\s$])[^$]*?[^\s$\\]\$(?!\d))", re.DOTALL)


def split_math(text: str) -> list[tuple[str, bool]]:
    r"""Cut ``text`` into ``(segment, is_math)`` pieces, in order.

    >>> split_math(r"Re$^3$Dial costs $5 or \$6")
    [('Re', False), ('$^3$', True), ('Dial costs $5 or \\$6', False)]
    """
    segments: list[tuple[str, bool]] = []
    start = 0
    for match in _MATH_OR_ESCAPE.finditer(text):
        if match.group("math") is None:
            continue
        if match.start() > start:
            segments.append((text[start : match.start()], False))
        segments.append((match.group(), True))
        start = match.end()
    if start < len(text):
        segments.append((text[start:], False))
    return segments


def _math_spans(text: str) -> list[str]:
    return [segment for segment, is_math in split_math(text) if is_math]


# Combining marks for TeX's accent commands.
_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323",
}  # fmt: skip

# Letters TeX names rather than accents; the space ending the name is dropped.
_LETTERS = {
    "ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",  # noqa: RUF001
}  # fmt: skip

# Symbols TeX names; a space after one is the writer's and is kept.
_SYMBOLS = {
    "ldots": "…", "dots": "…", "textendash": "–", "textemdash": "—",  # noqa: RUF001
    "textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“",  # noqa: RUF001
    "textquotedblright": "”", "textasciitilde": "~", "textasciicircum": "^",
    "textunderscore": "_", "textdegree": "°", "copyright": "©",
    "textregistered": "®", "texttrademark": "™", "pounds": "£",
}  # fmt: skip

# Commands that only change the look of their text: ``\textbf{x}`` and ``{\bf x}``.
_STYLE_WRAPPERS = "|".join(
    """textbf textit textsl textsc texttt textrm textsf textup textmd textnormal
    emph underline""".split()
)
_STYLE_SWITCHES = "|".join("bf it sl sc tt rm sf em bfseries itshape scshape".split())
_GROUP_BODY = r"(?:[^{}]|\{[^{}]*\})*"  # one level of nested braces
# Escapes (``\\``, ``\{``) come first in each pattern so that their second
# character is never read as the start of a command.
_STYLE = re.compile(
    rf"\\[^A-Za-z]|\\(?:{_STYLE_WRAPPERS})\s*\{{(?P<arg>{_GROUP_BODY})\}}"
    rf"|\{{\\(?:{_STYLE_SWITCHES})\s+(?P<switched>{_GROUP_BODY})\}}"
)
_COMMAND = re.compile(
    r"""\\\\
    | (?P<accent_brace>\{)?
      \\(?:(?P<symbol_accent>['`^"~=.])|(?P<letter_accent>[uvHckrd])(?:\s+|(?=\{)))
      (?:\{(?P<braced>[A-Za-z]|\\[ij])\}|(?P<bare>[A-Za-z]|\\[ij](?![A-Za-z])(?:\{\}|[ \t]+)?))
      (?(accent_brace)\})
    | (?P<name_brace>\{)?
      \\(?P<name>[A-Za-z]+)(?P<end>\{\}|[ \t]+)?
      (?(name_brace)\})
    | \\(?P<escaped>[%&_\#{}$]|[~^](?=\{\}))(?:\{\})?
    """,
    re.VERBOSE,
)


def _unwrap_style(match: re.Match[str]) -> str:
    for group in ("arg", "switched"):
        if match.group(group) is not None:
            return match.group(group)
    return match.group()


def _decode_command(match: re.Match[str], *, dollars: bool) -> str:
    if (escaped := match.group("escaped")) is not None:
        return escaped if dollars or escaped != "$" else match.group()
    mark = _ACCENTS.get(match.group("symbol_accent") or match.group("letter_accent") or "")
    if mark is not None:
        base = match.group("braced") or match.group("bare")
        # A dotless i or j takes the accent in TeX; Unicode composes it on i or j.
        base = {"\\i": "i", "\\j": "j"}.get(base[:2], base)
        letter = unicodedata.normalize("NFC", base + mark)
        return letter if len(letter) == 1 else match.group()
    name = match.group("name")
    if name in _LETTERS:
        return _LETTERS[name]
    if name in _SYMBOLS:
        end = match.group("end") or ""
        return _SYMBOLS[name] + ("" if end == "{}" else end)
    return match.group()


def _decode_plain(text: str, *, dollars: bool) -> str:
    if "\\" not in text:
        return text
    previous = None
    while previous != text:  # each round unwraps one level of nested style commands
        previous, text = text, _STYLE.sub(_unwrap_style, text)
    return _COMMAND.sub(lambda match: _decode_command(match, dollars=dollars), text)


def decode_latex(text: str) -> str:
    r"""Decode the unambiguous text-mode LaTeX in ``text``; math spans are left alone.

    >>> decode_latex(r"2.5\% of \$5 on Caf\'e data (\eg $\alpha$)")
    '2.5% of $5 on Café data (\\eg $\\alpha$)'
    """
    if "\\" not in text:
        return text
    segments = split_math(text)
    decoded = "".join(
        segment if is_math else _decode_plain(segment, dollars=True)
        for segment, is_math in segments
    )
    if "\\$" in text and _math_spans(decoded) != [s for s, is_math in segments if is_math]:
        # A decoded dollar would pair up as math: keep the escapes instead.
        decoded = "".join(
            segment if is_math else _decode_plain(segment, dollars=False)
            for segment, is_math in segments
        )
    return decoded


# Invisible characters a copied web page carries (soft hyphens, zero-width
# spaces, stray BOMs) and control characters no bibliography may hold.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u200b\ufeff]")


def fold_whitespace(text: str) -> str:
    """Drop invisible characters and fold every run of whitespace into one space."""
    return " ".join(_INVISIBLE.sub("", text).split())


def clean(text: str) -> str:
    """Digest text in the model's convention: LaTeX decoded, whitespace folded."""
    # Printable text has no invisible character and no whitespace but the plain
    # space, and decoding keeps it so: then only runs of spaces can need
    # folding. Most digest text is printable, or is once its line breaks are
    # spaces; the checks run in C, while the general rules cost ten times more.
    if text.isprintable():
        plain = decode_latex(text)
    else:
        plain = text.replace("\n", " ")
        # A newline ends a TeX command's name as a space does, but the table's
        # rules treat the two apart; text with a command takes the general path.
        if "\\" in plain or not plain.isprintable():
            # Invisible characters go first: one between a dollar and a digit
            # would otherwise decide whether a span is math and then vanish.
            return fold_whitespace(decode_latex(_INVISIBLE.sub("", text)))
    if "  " in plain or plain.startswith(" ") or plain.endswith(" "):
        return " ".join(plain.split())
    return plain


# Characters that cannot appear raw in a URL and so end one found in prose;
# ``{`` also cuts off the ``{label}`` that LaTeX-minded abstracts glue to links.
_URL = re.compile(r"""https?://[^\s<>"`{}|\\^]+""", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?'\"*…’”，。、；：！？"  # noqa: RUF001
_CLOSERS = {")": "(", "]": "[", "）": "（"}  # noqa: RUF001
# A URL trimmed down to its scheme, or one with no host, is no link.
_HAS_HOST = re.compile(r"https?://[^\W_]", re.IGNORECASE)


def trim_trailing_punctuation(text: str) -> str:
    """Strip the punctuation prose puts after a URL or a DOI, keeping balanced brackets.

    >>> trim_trailing_punctuation("10.1016/S0140-6736(20)30183-5).")
    '10.1016/S0140-6736(20)30183-5'
    """
    while text:
        last = text[-1]
        if last in _TRAILING_PUNCTUATION or (
            last in _CLOSERS and text.count(last) > text.count(_CLOSERS[last])
        ):
            text = text[:-1]
        else:
            break
    return text


# Host and path, past any user name and port; unlike urllib's urlsplit, it
# cannot fail on a malformed URL found in prose.
_URL_PARTS = re.compile(
    r"https?://(?:[^/?#@]*@)?(?P<host>[^/?#:]*)(?::[^/?#]*)?(?P<path>[^?#]*)", re.IGNORECASE
)
_CODE_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com"})
# Static-site hosts that abstracts use almost only for project pages.
_PROJECT_HOST_SUFFIXES = (".github.io", ".gitlab.io", ".pages.dev", ".netlify.app")
_PROJECT_HOSTS = frozenset({"sites.google.com"})
_ARXIV_HOSTS = frozenset({"arxiv.org", "export.arxiv.org"})


def link_kind(url: str) -> LinkKind:
    """What a URL points at, judged from its host and path alone.

    >>> link_kind("https://github.com/ICTMCG/M3FEND")
    <LinkKind.CODE: 'code'>
    """
    parts = _URL_PARTS.match(url)
    host = parts["host"].lower().removeprefix("www.") if parts else ""
    path = parts["path"] if parts else ""
    if (
        path.lower().endswith(".pdf")
        or (host in _ARXIV_HOSTS and path.startswith("/pdf/"))
        or (host == "openreview.net" and path.startswith("/pdf"))
    ):
        return LinkKind.PDF
    if host in _CODE_HOSTS:
        return LinkKind.CODE
    if (
        (host in _ARXIV_HOSTS and path.startswith("/abs/"))
        or (host == "huggingface.co" and path.startswith("/papers/"))
        or (host == "openreview.net" and path.startswith("/forum"))
        or host in ("doi.org", "dx.doi.org")
    ):
        return LinkKind.PAPER_PAGE
    if host.endswith(_PROJECT_HOST_SUFFIXES) or host in _PROJECT_HOSTS:
        return LinkKind.PROJECT
    return LinkKind.OTHER


def find_links(text: str) -> tuple[Link, ...]:
    """The ``http(s)`` URLs in ``text`` as typed links, trimmed, each once, in order.

    >>> find_links("Code: https://github.com/ICTMCG/M3FEND.")
    (Link(url='https://github.com/ICTMCG/M3FEND', kind=<LinkKind.CODE: 'code'>),)
    """
    if "://" not in text:  # a plain search, far cheaper than the pattern's
        return ()
    urls = (trim_trailing_punctuation(match.group()) for match in _URL.finditer(text))
    unique = dict.fromkeys(url for url in urls if _HAS_HOST.match(url))
    return tuple(Link(url, link_kind(url)) for url in unique)


_TAG = re.compile(r"<[^>]*>")
_TEX_COMMAND = re.compile(r"\\([A-Za-z]+|.)")
_TEX_SYNTAX = str.maketrans("", "", "$^_{}")
_NOT_WORD = re.compile(r"[\W_]+")


def _tex_command(match: re.Match[str]) -> str:
    """A Greek letter command becomes its letter; others vanish, their arguments stay."""
    name = match.group(1)
    if len(name) == 1:
        return name if not name.isalpha() else ""
    case = "CAPITAL" if name[0].isupper() else "SMALL"
    try:
        return unicodedata.lookup(f"GREEK {case} LETTER {name.upper()}")
    except KeyError:
        return ""


def normalise_title(text: str) -> str:
    """Reduce a title to lower-case words, free of markup, accents and punctuation.

    Titles that differ only in case, accents, punctuation, LaTeX or HTML markup
    normalise to the same string.

    >>> normalise_title("Re$^3$Dial: <i>Retrieve</i> \\\\& Rescale")
    're3dial retrieve and rescale'
    """
    text = html.unescape(_TAG.sub("", text))
    text = _TEX_COMMAND.sub(_tex_command, text)
    # Math shifts, scripts and groups: "Re$^{3}$Dial" is "Re3Dial".
    text = text.translate(_TEX_SYNTAX)
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    text = text.casefold()
    return " ".join(_NOT_WORD.sub(" ", text.replace("&", " and ")).split())
