"""Plain Unicode text to LaTeX that prints literally and can never run a command.

The model holds Unicode text in which ``$...$`` spans are TeX math. This
module writes such text for BibTeX fields:

- The specials ``\\ { } $ & % # _ ~ ^`` become commands that print the
  character. Braces become ``{\\textbraceleft}``, not ``\\{``:
  BibTeX counts every brace, even one after a backslash, so ``\\{`` alone would
  unbalance the field. ``^`` becomes ``{\\textasciicircum}``, which also rules
  out TeX's ``^^5c`` way of spelling a backslash.
- A ``$...$`` span stays math only when :func:`is_safe_math` accepts it: a
  short span of ASCII characters and whitelisted commands that compiles. Any
  other span is written as text, dollars and all, so ``$\\input{x}$`` prints
  instead of running.
- By default non-ASCII letters become TeX accent commands (``{\\'e}``,
  ``{\\O}``, ``{\\v{c}}``), because classic ``bibtex`` counts bytes, not letters,
  and cuts multi-byte letters when it builds ``alpha`` labels or abbreviates
  first names. Unicode quotes and dashes become TeX's ligatures. Characters
  without a text-mode command (CJK, emoji) stay UTF-8. With ``unicode=True``
  every non-ASCII character stays UTF-8, for biber.
- Control characters are dropped; line breaks and tabs become spaces, so no
  field can hold an empty line (a paragraph break ends a macro argument).

The output needs ``\\usepackage[T1]{fontenc}`` for a few letters (``{\\DJ}``,
``{\\dh}``, ``{\\th}``, ``{\\ng}``, ``\\k`` ogonek, guillemets) and to print
``<``, ``>``, ``|`` and ``"`` as themselves (LaTeX's default OT1 encoding
shows other glyphs for them; they are harmless either way, so they are kept
as they are, which also keeps them readable to BibTeX readers). Math spans
that use ``\\mathbb`` need ``amssymb``.

The work is done at C speed over long ASCII text (abstracts): one
``bytes.translate`` pass finds the specials and controls, then a memchr-speed
search finds each special. Only runs of non-ASCII characters, the specials
found and the words of titles are visited in Python, and title words, which
recur from title to title, only once each.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import cast

__all__ = ["is_safe_math", "safe_url", "text", "title"]


def _compiled_on_first_use(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A pattern for text that few runs have (non-ASCII, controls): start-up skips compiling it."""
    return functools.cache(lambda: re.compile(pattern, flags))


# --- Characters ---------------------------------------------------------------------

_ASCII_SPECIALS = {
    "\\": r"{\textbackslash}",
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
}

# Letters that are not an ASCII letter plus accents.
_LETTERS = {
    "ß": r"{\ss}", "ẞ": r"{\SS}", "æ": r"{\ae}", "Æ": r"{\AE}", "œ": r"{\oe}", "Œ": r"{\OE}",
    "ø": r"{\o}", "Ø": r"{\O}", "å": r"{\aa}", "Å": r"{\AA}", "ł": r"{\l}", "Ł": r"{\L}",
    "đ": r"{\dj}", "Đ": r"{\DJ}", "ð": r"{\dh}", "Ð": r"{\DH}", "þ": r"{\th}", "Þ": r"{\TH}",
    "ı": r"{\i}", "ȷ": r"{\j}", "ŋ": r"{\ng}", "Ŋ": r"{\NG}",  # noqa: RUF001
}  # fmt: skip

# Punctuation, spaces and symbols with a text-mode form; quotes and dashes use
# TeX's ligatures so that the output reads like hand-written BibTeX.
_SYMBOLS = {
    "\u00a0": "~", "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ",
    "\u2007": " ", "\u2008": " ", "\u2009": r"\,", "\u200a": r"\,", "\u202f": r"\,",
    "\u205f": " ", "\u00ad": "",
    "\u2010": "-", "\u2011": "-", "\u2012": "--", "\u2013": "--", "\u2014": "---",
    "\u2015": "---", "\u2212": "$-$",
    "\u2018": "`", "\u2019": "'", "\u201a": r"{\quotesinglbase}", "\u201c": "``",
    "\u201d": "''", "\u201e": r"{\quotedblbase}", "\u00ab": r"{\guillemotleft}",
    "\u00bb": r"{\guillemotright}", "\u2039": r"{\guilsinglleft}",
    "\u203a": r"{\guilsinglright}",
    "\u2026": r"{\ldots}", "\u2022": r"{\textbullet}", "\u00b7": r"{\textperiodcentered}",
    "\u2020": r"{\dag}", "\u2021": r"{\ddag}", "\u00a7": r"{\S}", "\u00b6": r"{\P}",
    "\u00a9": r"{\textcopyright}", "\u00ae": r"{\textregistered}",
    "\u2122": r"{\texttrademark}", "\u00b0": r"{\textdegree}", "\u00b5": r"{\textmu}",
    "\u2030": r"{\textperthousand}", "\u20ac": r"{\texteuro}", "\u00a3": r"{\pounds}",
    "\u00a5": r"{\textyen}", "\u00a2": r"{\textcent}", "\u00a1": r"{\textexclamdown}",
    "\u00bf": r"{\textquestiondown}", "\u00b1": r"{\textpm}", "\u00d7": r"{\texttimes}",
    "\u00f7": r"{\textdiv}", "\u00ac": r"{\textlnot}", "\u00b9": r"{\textonesuperior}",
    "\u00b2": r"{\texttwosuperior}", "\u00b3": r"{\textthreesuperior}",
    "\u00bc": r"{\textonequarter}", "\u00bd": r"{\textonehalf}",
    "\u00be": r"{\textthreequarters}", "\u00aa": r"{\textordfeminine}",
    "\u00ba": r"{\textordmasculine}",
    "\u2190": r"{\textleftarrow}", "\u2192": r"{\textrightarrow}",
    "\u2191": r"{\textuparrow}", "\u2193": r"{\textdownarrow}",
}  # fmt: skip

# Symbols that exist only in math mode. Braced, so that a title's case change
# leaves ``\Delta`` alone.
_MATH_SYMBOLS = {
    "\u2264": r"\le", "\u2265": r"\ge", "\u2260": r"\neq", "\u2248": r"\approx",
    "\u223c": r"\sim", "\u2261": r"\equiv", "\u221e": r"\infty", "\u2202": r"\partial",
    "\u2207": r"\nabla", "\u2208": r"\in", "\u2211": r"\sum", "\u220f": r"\prod",
    "\u222b": r"\int", "\u221a": r"\surd", "\u2200": r"\forall", "\u2203": r"\exists",
    "\u2205": r"\emptyset", "\u2227": r"\wedge", "\u2228": r"\vee", "\u2229": r"\cap",
    "\u222a": r"\cup", "\u2282": r"\subset", "\u2286": r"\subseteq", "\u2295": r"\oplus",
    "\u2297": r"\otimes", "\u22c5": r"\cdot", "\u2218": r"\circ", "\u21d2": r"\Rightarrow",
    "\u21d4": r"\Leftrightarrow", "\u2194": r"\leftrightarrow", "\u21a6": r"\mapsto",
    "\u27e8": r"\langle", "\u27e9": r"\rangle", "\u2032": r"\prime", "\u2113": r"\ell",
}  # fmt: skip

_GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi - pi rho "
    "varsigma sigma tau upsilon phi chi psi omega"
).split()
_GREEK_CAPITALS = {"Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi"}
_GREEK_CAPITALS |= {"Psi", "Omega"}
# Capitals with no command of their own look like Latin ones: Alpha is A, Rho is P.
_GREEK_AS_LATIN = dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΧ", "ABEZHIKMNOPTX", strict=True))  # noqa: RUF001

# Combining marks, whose commands are symbols (``\'e``) or letters (``\v{c}``).
# Accented i is written ``\'i``, not ``\'\i``: both print the same in T1,
# and biber decodes the first to a precomposed letter but the second to a
# dotless i and a combining accent, which LaTeX's UTF-8 support rejects.
_SYMBOL_ACCENTS = {"\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "="}
_SYMBOL_ACCENTS |= {"\u0307": ".", "\u0308": '"'}
_LETTER_ACCENTS = {"\u0306": "u", "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d"}
_LETTER_ACCENTS |= {"\u0326": "textcommabelow", "\u0327": "c", "\u0328": "k", "\u0331": "b"}


def _accented(base: str, marks: str) -> str | None:
    """``{\\'e}`` for ``e`` and an acute accent; None when a mark has no command."""
    tex = base
    if base in _LETTERS:
        tex = _LETTERS[base][1:-1]
    elif not (base.isascii() and base.isalpha()):
        return None
    for mark in marks:
        if mark in _SYMBOL_ACCENTS and len(tex) == 1:
            tex = f"\\{_SYMBOL_ACCENTS[mark]}{tex}"
        elif mark in _SYMBOL_ACCENTS or mark in _LETTER_ACCENTS:
            command = _SYMBOL_ACCENTS.get(mark) or _LETTER_ACCENTS[mark]
            tex = f"\\{command}{{{tex}}}"
        else:
            return None
    return "{" + tex + "}"


@functools.cache  # built on first use: ASCII text, and --unicode, never need it
def _unicode_table() -> dict[str, str]:
    """Every non-ASCII character that has a LaTeX text form, with that form."""
    table = dict(_LETTERS)
    table.update(_SYMBOLS)
    table.update({char: "{$" + command + "$}" for char, command in _MATH_SYMBOLS.items()})
    for offset, name in enumerate(_GREEK):
        if name != "-":
            table[chr(0x3B1 + offset)] = "{$\\" + name + "$}"
    for offset, name in enumerate(_GREEK):
        capital = name.capitalize()
        if capital in _GREEK_CAPITALS:
            table[chr(0x391 + offset)] = "{$\\" + capital + "$}"
    for char, latin in _GREEK_AS_LATIN.items():
        table[char] = "{$\\mathrm{" + latin + "}$}"
    table["\u03bf"] = r"{$o$}"
    table["\u03d5"] = r"{$\phi$}"
    table["\u03c6"] = r"{$\varphi$}"
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        if char in table:
            continue
        decomposed = unicodedata.normalize("NFD", char)
        if len(decomposed) > 1 and (tex := _accented(decomposed[0], decomposed[1:])):
            table[char] = tex
    return table


# Characters that never reach the output, and the white space that becomes a
# plain space: C0 and C1 controls, line and paragraph separators, invisible
# formatting characters. No field may hold an empty line.
_WHITESPACE_CONTROLS = "\t\n\v\f\r\x85\u2028\u2029"
_INVISIBLE = [*map(chr, [*range(0x20), *range(0x7F, 0xA0)]), "\u200b", "\u200c", "\u200d"]
_INVISIBLE += ["\u2060", "\ufeff", "\u2028", "\u2029"]
_CONTROL = _compiled_on_first_use("[" + "".join(_INVISIBLE) + "]")
# Text up to this length is short: a title, a name, a venue.
_SHORT = 200


def _control_replacement(match: re.Match[str]) -> str:
    return " " if match.group() in _WHITESPACE_CONTROLS else ""


# Private markers: a kept math span, and the braces that protect a title word.
# Input loses any such characters first.
_MATH_MARK = "\x00"
_OPEN_MARK = "\x01"
_CLOSE_MARK = "\x02"
_MARKERS = _MATH_MARK + _OPEN_MARK + _CLOSE_MARK
_DROP_MARKERS = str.maketrans(dict.fromkeys(_MARKERS, ""))

# ASCII text is read once, by bytes.translate deleting every ordinary
# character: what is left, usually nothing, are the specials and controls in
# the order they occur, so each special is then found with a memchr-speed
# str.index. This reads a long abstract twice as fast as str.translate does,
# and a str.replace per special would read it all again for each.
_SPECIAL_BYTES = "".join(_ASCII_SPECIALS).encode()
_ORDINARY = bytes(c for c in range(0x20, 0x7F) if c not in _SPECIAL_BYTES)
_ORDINARY_OR_MARKER = _ORDINARY + _MARKERS.encode()
_CONTROL_BYTES = bytes([*range(0x20), 0x7F])
_ASCII_WHITESPACE = b"\t\n\v\f\r"
_SPACED_WHITESPACE = bytes.maketrans(_ASCII_WHITESPACE, b" " * len(_ASCII_WHITESPACE))
_DROPPED = bytes(c for c in _CONTROL_BYTES if c not in _ASCII_WHITESPACE)
_DROPPED_BUT_MARKERS = bytes(c for c in _DROPPED if chr(c) not in _MARKERS)
# Beyond this many specials, one str.replace per kind of special is faster.
_MANY_SPECIALS = 16


def _escape_ascii(value: str, marked: bool = False) -> str:
    """ASCII text with specials escaped and controls gone (``marked``: markers kept)."""
    raw = value.encode("ascii")
    found = raw.translate(None, _ORDINARY_OR_MARKER if marked else _ORDINARY)
    if not found:
        return value
    if found.translate(None, _SPECIAL_BYTES):
        # Controls: line breaks and tabs become spaces, the others are dropped.
        dropped = _DROPPED_BUT_MARKERS if marked else _DROPPED
        value = raw.translate(_SPACED_WHITESPACE, dropped).decode("ascii")
        found = found.translate(None, _CONTROL_BYTES)
    if len(found) > _MANY_SPECIALS:
        return _escape_specials(value)
    pieces: list[str] = []
    start = 0
    for special in found.decode("ascii"):
        position = value.index(special, start)
        pieces += (value[start:position], _ASCII_SPECIALS[special])
        start = position + 1
    pieces.append(value[start:])
    return "".join(pieces)


# Text with other characters gets its ASCII specials replaced in place, with
# stand-ins for a backslash and braces while the other specials, whose
# replacements hold those, are replaced.
_STAND_INS = {"\\": "\x03", "{": "\x04", "}": "\x05"}
_OTHER_SPECIALS = [(c, tex) for c, tex in _ASCII_SPECIALS.items() if c not in _STAND_INS]


def _has_ascii_special(value: str) -> bool:
    return (
        "\\" in value or "{" in value or "}" in value or "$" in value or "&" in value
        or "%" in value or "#" in value or "_" in value or "~" in value or "^" in value
    )  # fmt: skip


def _escape_specials(value: str) -> str:
    """Replace the ASCII specials in text that also holds other characters, or many specials.

    One str.replace per special present: specials are rare, and each test
    for one runs at memchr speed, where a regular expression visits every
    character in Python's engine and str.translate is slow for non-ASCII text.
    """
    if not _has_ascii_special(value):
        return value
    # Each str.replace reads all the text, even for a character that is not there.
    stand_ins = [
        (special, stand_in) for special, stand_in in _STAND_INS.items() if special in value
    ]
    for special, stand_in in stand_ins:
        value = value.replace(special, stand_in)
    for special, tex in _OTHER_SPECIALS:
        if special in value:
            value = value.replace(special, tex)
    for special, stand_in in stand_ins:
        value = value.replace(stand_in, _ASCII_SPECIALS[special])
    return value


# A run of non-ASCII characters, with the ASCII letter before it in case the
# run starts with a combining accent meant for that letter.
_NON_ASCII_RUN = _compiled_on_first_use(r"[A-Za-z]?[^\x00-\x7f]+")
_MARKS = "".join(map(chr, range(0x300, 0x370)))
_COMBINING_MARKS = _compiled_on_first_use(f"[{_MARKS}]")
# A character followed by combining marks that NFC could not compose with it.
_COMBINING_SEQUENCE = _compiled_on_first_use(r".[\u0300-\u036f]+", re.S)


def _combining_sequence(match: re.Match[str]) -> str:
    found = match.group()
    # A precomposed letter NFC could not add the rest to (ȩ then an acute) is
    # taken apart, so that every accent becomes a command on the bare letter.
    decomposed = unicodedata.normalize("NFD", found[0])
    base, marks = decomposed[0], decomposed[1:] + found[1:]
    accented = _accented(base, marks)
    if accented is not None:
        return accented
    # No letter to carry the accents (a space, a digit, a symbol): TeX prints an
    # accent on an empty group; a mark with no command cannot be printed and goes.
    head = found[0]
    return _unicode_table().get(head, head) + _standalone_accents(found[1:])


def _standalone_accents(marks: str) -> str:
    """Accents with no letter under them, as TeX prints them: on an empty group."""
    commands = (_SYMBOL_ACCENTS.get(m) or _LETTER_ACCENTS.get(m) for m in marks)
    return "".join(f"\\{command}{{}}" for command in commands if command)


def _non_ascii_tex(match: re.Match[str]) -> str:
    """A run of non-ASCII characters as TeX; those without a text form (CJK, emoji) stay UTF-8."""
    run = match.group()
    table = _unicode_table()
    if _COMBINING_MARKS().search(run):
        leading = len(run) - len(run.lstrip(_MARKS))
        tail = _COMBINING_SEQUENCE().sub(_combining_sequence, run[leading:])
        return _standalone_accents(run[:leading]) + "".join(
            [table.get(char, char) for char in tail]
        )
    return "".join([table.get(char, char) for char in run])


# --- Math ---------------------------------------------------------------------------

# Pandoc's rule for telling math from prices: the opening dollar is followed by
# a non-space, the closing one follows a non-space and is not followed by a digit.
_MATH_SPAN = re.compile(r"\$(?=[^\s$])([^$]*?[^\s$\\])\$(?!\d)")
_MAX_MATH_LENGTH = 200

_MATH_SYMBOL_COMMANDS = frozenset(
    """alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu
    nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta
    Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega
    cdot cdots ldots dots times div pm mp le leq ge geq ll gg ne neq approx sim simeq cong
    equiv propto infty to rightarrow leftarrow Rightarrow Leftarrow leftrightarrow
    Leftrightarrow mapsto uparrow downarrow in notin ni subset subseteq supset supseteq cup cap
    setminus emptyset forall exists neg wedge vee oplus otimes circ star ast bullet dagger top
    bot perp parallel mid vert Vert langle rangle lfloor rfloor lceil rceil lbrace rbrace
    partial nabla sum prod int oint prime ell hbar Re Im aleph
    log ln exp sin cos tan arg max min sup inf lim det dim ker Pr
    quad qquad""".split()
)
_MATH_ONE_ARGUMENT_COMMANDS = frozenset(
    """mathbf mathrm mathcal mathbb mathit mathsf mathtt sqrt hat tilde bar vec dot ddot
    widehat widetilde overline underline check breve acute grave""".split()
)
_MATH_TWO_ARGUMENT_COMMANDS = frozenset({"frac"})
_MATH_SPACING = frozenset({",", ";", ":", "!", " "})
_MATH_CHARACTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-=<>()[]|/.,;:!*?"
)
_MATH_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.S)


class _UnsafeMath(Exception):
    """A math span that may not be written as math."""


class _MathChecker:
    """Checks that math tokens form a sequence TeX accepts.

    A recursive-descent reading of the little math TeX allows here: atoms,
    groups, commands with their arguments, and at most one superscript and one
    subscript (or primes then a superscript) per atom.
    """

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> str | None:
        while self.position < len(self.tokens) and self.tokens[self.position].isspace():
            self.position += 1
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise _UnsafeMath("an argument is missing")
        self.position += 1
        return token

    def sequence(self, end: str | None) -> None:
        superscript = subscript = False
        while (token := self.peek()) != end:
            if token is None:
                raise _UnsafeMath(f"{end!r} is missing")
            if token in ("^", "_"):
                self.take()
                if (token == "^" and superscript) or (token == "_" and subscript):
                    raise _UnsafeMath("double script")
                superscript |= token == "^"
                subscript |= token == "_"
                self.operand()
            elif token == "'":
                self.take()
                if superscript:
                    raise _UnsafeMath("a prime after a superscript")
            else:
                self.atom()
                superscript = subscript = False
        if end is not None:
            self.take()

    def atom(self) -> None:
        token = self.take()
        name = token[1:]
        if token == "{":
            self.sequence("}")
        elif token.startswith("\\") and name in _MATH_ONE_ARGUMENT_COMMANDS:
            if name == "sqrt" and self.peek() == "[":
                self.take()
                self.sequence("]")
            self.operand()
        elif token.startswith("\\") and name in _MATH_TWO_ARGUMENT_COMMANDS:
            self.operand()
            self.operand()
        elif not self.plain_atom(token):
            raise _UnsafeMath(f"{token!r} is not allowed")

    def operand(self) -> None:
        token = self.take()
        if token == "{":
            self.sequence("}")
        elif not self.plain_atom(token):
            raise _UnsafeMath(f"{token!r} cannot be an argument")

    @staticmethod
    def plain_atom(token: str) -> bool:
        if token.startswith("\\"):
            return token[1:] in _MATH_SYMBOL_COMMANDS or token[1:] in _MATH_SPACING
        return token in _MATH_CHARACTERS


@functools.lru_cache(maxsize=4096)
def is_safe_math(content: str) -> bool:
    """Whether ``$content$`` may be written as math: harmless, and compiles.

    Allowed: at most 200 ASCII letters, digits and operators, balanced groups,
    scripts with an argument, and a whitelist of symbols (Greek letters,
    relations, arrows, ``\\log``…) and of commands with arguments (``\\frac``,
    ``\\sqrt``, ``\\mathbf``, ``\\hat``…). No ``%``, ``#``, ``&``, ``^^``, ``\\{``,
    and no other command: nothing can read a file, define a macro or escape
    the group.
    """
    if len(content) > _MAX_MATH_LENGTH or not (content.isascii() and content.isprintable()):
        return False
    if "^^" in content:
        return False
    try:
        _MathChecker(_MATH_TOKEN.findall(content)).sequence(None)
    except _UnsafeMath:
        return False
    return True


def _mask_math(value: str, spans: list[str]) -> str:
    """``value`` with each safe math span replaced by a marker and appended to ``spans``.

    Only the dollars are visited, so long text with one formula stays cheap.
    """
    pieces = []
    start = 0
    position = value.find("$")
    while position != -1:
        match = _MATH_SPAN.match(value, position)
        if match is None:
            position = value.find("$", position + 1)
            continue
        if is_safe_math(match.group(1)):
            pieces.append(value[start:position])
            pieces.append(_MATH_MARK)
            spans.append(match.group())
            start = match.end()
        # An unsafe span is text as a whole: its closing dollar opens nothing.
        position = value.find("$", match.end())
    pieces.append(value[start:])
    return "".join(pieces)


def _unmask_math(tex: str, spans: list[str]) -> str:
    # Input holds no marker, so the markers are the spans' and in their order.
    for span in spans:
        tex = tex.replace(_MATH_MARK, span, 1)
    return tex


# --- Case protection ----------------------------------------------------------------

_WORD = _compiled_on_first_use(r"[\w\x00]+(?:['\u2019][\w\x00]+)*")
# The same words, for ASCII text, found only when they need protection: a
# capital after the first letter, a math span, or a lone capital other than
# the article "A".
_ASCII_PROTECTED_WORD = re.compile(
    r"(?<![\w\x00'])"
    r"(?=[\w\x00']*?(?:[\w\x00'][A-Z]|\x00)|[B-Z](?![\w\x00']))"
    r"[\w\x00]+(?:'[\w\x00]+)*"
)


def _protected(match: re.Match[str]) -> str:
    return _OPEN_MARK + match.group() + _CLOSE_MARK


def _protect_word(match: re.Match[str]) -> str:
    word = match.group()
    rest = word[1:]
    if _MATH_MARK in word or rest != rest.lower() or (len(word) == 1 and word.isupper()):
        return word if word == "A" else _OPEN_MARK + word + _CLOSE_MARK
    return word


_LONE_CAPITALS = frozenset("BCDEFGHIJKLMNOPQRSTUVWXYZ")
_EDGE_PUNCTUATION = "\"'()[].,:;!?/"


def _protect_chunk(chunk: str) -> str:
    """Mark the words of an ASCII chunk (no spaces) that need protection.

    Hyphens and punctuation at the edges are not part of a word, so the usual
    chunks (``SAMGPT:``, ``BERT-based``, ``(LoRA)``) are handled with str
    methods; the pattern is left for apostrophes, underscores and math.
    """
    if "-" in chunk:
        return "-".join([_protect_chunk(part) for part in chunk.split("-")])
    word = chunk.strip(_EDGE_PUNCTUATION)
    if not word.isalnum():
        return _ASCII_PROTECTED_WORD.sub(_protected, chunk)
    tail = word[1:]
    if tail == tail.lower() and (tail or word not in _LONE_CAPITALS):
        return chunk
    start = len(chunk) - len(chunk.lstrip(_EDGE_PUNCTUATION))
    end = start + len(word)
    return chunk[:start] + _OPEN_MARK + word + _CLOSE_MARK + chunk[end:]


def _protect_words(value: str) -> str:
    """Mark the words that a style must not lower-case: acronyms, CamelCase, math."""
    if not value.isascii():
        return _WORD().sub(_protect_word, value)
    # Words never span a space; the same chunks recur from title to title.
    return " ".join(_each_kept(_protect_ascii_chunk, _protected_chunks, value.split(" ")))


_protected_chunks: dict[str, str] = {}


def _protect_ascii_chunk(chunk: str) -> str:
    # The usual chunk needs nothing: no capital after its first letter, which
    # is no lone capital (as in "X-ray"), and no math.
    tail = chunk[1:]
    if tail.islower() and (tail[0].isalnum() or not chunk[0].isupper()) and _MATH_MARK not in chunk:
        return chunk
    return _protect_chunk(chunk)


# --- Text ---------------------------------------------------------------------------


def _clean(value: str) -> str:
    """Non-ASCII ``value`` without controls, in NFC."""
    if not value.isprintable():
        value = _CONTROL().sub(_control_replacement, value)
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    return value


def _convert(value: str, unicode: bool, protect: bool) -> str:
    if _MATH_MARK in value or _OPEN_MARK in value or _CLOSE_MARK in value:
        value = value.translate(_DROP_MARKERS)
    ascii = value.isascii()
    if not ascii:
        value = _clean(value)
    spans: list[str] = []
    if "$" in value:
        value = _mask_math(value, spans)
    if protect:
        value = _protect_words(value)
    if ascii:
        tex = _escape_ascii(value, marked=True)
    else:
        tex = _escape_specials(value)
        if not unicode:
            tex = _NON_ASCII_RUN().sub(_non_ascii_tex, tex)
    if protect:
        tex = tex.replace(_OPEN_MARK, "{").replace(_CLOSE_MARK, "}")
    return _unmask_math(tex, spans) if spans else tex


# Short values (venues, volumes, keywords, names) recur from paper to paper.
_MAX_CACHED = 50_000
_short_texts: tuple[dict[str, str], dict[str, str]] = ({}, {})


def text(value: str, unicode: bool = False) -> str:
    """``value`` as LaTeX that prints it, math spans kept where safe."""
    if len(value) > _SHORT:
        if value.isascii() and "$" not in value:
            return _escape_ascii(value)
        return _convert(value, unicode, protect=False)
    cache = _short_texts[unicode]
    tex = cache.get(value)
    if tex is None:
        if len(cache) >= _MAX_CACHED:
            cache.clear()
        tex = cache[value] = _convert(value, unicode, protect=False)
    return tex


def title(value: str, unicode: bool = False) -> str:
    """Like :func:`text`, with acronyms, CamelCase words and math braced against case changes.

    Only the words that need it are braced (``{SAMGPT}: Text-free Graph…``),
    so styles that set titles in sentence case still work on the rest.
    """
    if not value.isascii() or "$" in value:
        return _convert(value, unicode, protect=True)
    # Without math, each space-separated piece of an ASCII title is converted on
    # its own, and pieces, words that recur from title to title, are kept.
    pieces = value.split(" ")
    kept = [*map(_title_pieces.get, pieces)]
    if None not in kept:
        return " ".join(cast(list[str], kept))
    tex = _convert(value, unicode, protect=True)
    converted = tex.split(" ")
    if len(converted) == len(pieces):  # else a tab or line break became a space
        if len(_title_pieces) >= _MAX_CACHED:
            _title_pieces.clear()
        _title_pieces.update(zip(pieces, converted, strict=True))
    return tex


_title_pieces: dict[str, str] = {}


def _each_kept(convert: Callable[[str], str], kept: dict[str, str], values: list[str]) -> list[str]:
    """``convert`` of each value, looked up in ``kept``, where new results are kept."""
    results = [*map(kept.get, values)]
    if None in results:
        if len(kept) >= _MAX_CACHED:
            kept.clear()
        for index, (value, result) in enumerate(zip(values, results, strict=True)):
            if result is None:
                results[index] = kept[value] = convert(value)
    return cast(list[str], results)  # no None is left


# --- URLs ---------------------------------------------------------------------------

# RFC 3986's unreserved and reserved characters, and "%" that starts an escape.
_URL_UNSAFE = _compiled_on_first_use(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]|%(?![0-9A-Fa-f]{2})")
_DOI_UNSAFE = _compiled_on_first_use(
    r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%<>]|%(?![0-9A-Fa-f]{2})"
)


def _percent_encode(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8"))


def safe_url(value: str, *, doi: bool = False) -> str:
    """A URL (or DOI) fit for a verbatim field: no backslash, brace, space or stray ``%``.

    biblatex reads ``url`` and ``doi`` verbatim up to ``\\endverb``, and the
    ``url`` package reads ``\\url{...}`` verbatim, so what matters is that the
    value cannot end the field or the verbatim text early: backslashes,
    braces, spaces, ``^`` and non-ASCII are percent-encoded, and a ``%`` is
    kept only as the start of an escape. DOIs may also hold ``<`` and ``>``.
    """
    if _looks_safe(value):
        return value
    return (_DOI_UNSAFE if doi else _URL_UNSAFE)().sub(_percent_encode, value)


def _looks_safe(url: str) -> bool:
    """Printable ASCII without space or a character that needs encoding: the usual URL."""
    return not url.encode().translate(None, _URL_ORDINARY)


# What _looks_safe lets through: safe_url's characters without "%", which
# starts an escape only when two hex digits follow.
_URL_ORDINARY = bytes(c for c in range(0x21, 0x7F) if chr(c) not in '%\\{}^"`|<>')
