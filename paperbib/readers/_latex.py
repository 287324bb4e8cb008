r"""BibTeX field values, which are LaTeX, decoded to the model's text.

A value is read one token at a time, so that every escape is decoded exactly
once: ``{\textbackslash}\%`` is a backslash and a percent sign, never ``\%``
decoded twice. What is decoded:

* braces, which group and protect case (``{SAMGPT}`` is SAMGPT);
* the escapes ``\% \& \_ \# \{ \} \$``, and ``~`` (a no-break space);
* accents on a letter, braced or not, nested or not (``\'e``, ``{\"o}``,
  ``\c{\'c}``, ``\'{\i}``); letters and symbols by name (``\ss``, ``{\o}``,
  ``\textbackslash``, ``\ldots``, ``\textquotedbl``…);
* ``\symbol{36}`` and kin for printable ASCII, which the exporter writes for
  a special at the start of a name;
* style commands, whose text is kept: ``\textbf{x}``, ``\emph{x}``, ``{\bf x}``;
  ``\url{x}`` is its address, ``\href{url}{x}`` its text.

TeX's ligatures ``--``, ``---``, ````` `` and ``''`` are left as written, as
:func:`paperbib.text.clean` leaves them: model text from digests holds
``--`` as two hyphens, and BibTeX written with UTF-8 (for biber) keeps both
"--" and "–" as they are, so only leaving them gives back the same file.
White space is folded as BibTeX folds it: runs of ASCII spaces, tabs and line
ends; a no-break space written as UTF-8 stays one.

A ``$...$`` span is math and is kept as written (the model's convention). A
group holding one math symbol, ``{$\alpha$}``, is how
:mod:`paperbib.exporters.latex` writes a Unicode α, and is read as that
letter; but in a title the exporter also braces a math span that is a word by
itself, so there a lone ``{$\alpha$}`` stays math (see :class:`_TitleSymbol`).

Any other command stays as the literal text it was, with the braced
arguments right after it (``\eg``, ``\input{x}``), as in
:func:`paperbib.text.clean`; pylatexenc, which bibtexparser's LaTeX middleware
uses, deletes unknown commands and flattens math, so it is not used.
"""

# The tables below are of look-alike characters on purpose.
# ruff: noqa: RUF001, RUF002

from __future__ import annotations

import re
import unicodedata

from attrs import frozen

from paperbib.text import split_math

__all__ = ["decode", "decode_url"]

_ESCAPED = frozenset("%&_#{}$")
_SYMBOL_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
    "=": "\u0304", ".": "\u0307",
}  # fmt: skip
_LETTER_ACCENTS = {
    "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331", "textcommabelow": "\u0326",
}  # fmt: skip
_DOTLESS = {"ı": "i", "ȷ": "j"}

# Letters TeX names: in TeX the space after a name ends it and is not printed.
_LETTERS = {
    "ss": "ß", "SS": "ẞ", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "o": "ø", "O": "Ø",
    "aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "dj": "đ", "DJ": "Đ", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "i": "ı", "j": "ȷ", "ng": "ŋ", "NG": "Ŋ",
}  # fmt: skip
_SYMBOLS = {
    "textbackslash": "\\", "textbraceleft": "{", "textbraceright": "}",
    "textasciitilde": "~", "textasciicircum": "^", "textless": "<", "textgreater": ">",
    "textbar": "|", "textquotedbl": '"', "textunderscore": "_", "textdollar": "$",
    "ldots": "…", "dots": "…", "textellipsis": "…", "textendash": "–", "textemdash": "—",
    "textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“",
    "textquotedblright": "”", "quotesinglbase": "‚", "quotedblbase": "„",
    "guillemotleft": "«", "guillemotright": "»", "guilsinglleft": "‹", "guilsinglright": "›",
    "textbullet": "•", "textperiodcentered": "·", "dag": "†", "ddag": "‡", "S": "§", "P": "¶",
    "textcopyright": "©", "copyright": "©", "textregistered": "®", "texttrademark": "™",
    "textdegree": "°", "textmu": "µ", "textperthousand": "‰", "texteuro": "€", "pounds": "£",
    "textyen": "¥", "textcent": "¢", "textexclamdown": "¡", "textquestiondown": "¿",
    "textpm": "±", "texttimes": "×", "textdiv": "÷", "textlnot": "¬",
    "textonesuperior": "¹", "texttwosuperior": "²", "textthreesuperior": "³",
    "textonequarter": "¼", "textonehalf": "½", "textthreequarters": "¾",
    "textordfeminine": "ª", "textordmasculine": "º", "textleftarrow": "←",
    "textrightarrow": "→", "textuparrow": "↑", "textdownarrow": "↓",
}  # fmt: skip
# Control symbols: a thin space, and the breaks and corrections that print nothing.
_CONTROL_SYMBOLS = {",": "\u2009", " ": " ", "-": "", "/": "", "@": ""}

_STYLE_WRAPPERS = frozenset(
    """textbf textit textsl textsc texttt textrm textsf textup textmd textnormal emph
    underline mbox""".split()
)
_STYLE_SWITCHES = frozenset("bf it sl sc tt rm sf em bfseries itshape scshape upshape".split())

_GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi - pi rho "
    "varsigma sigma tau upsilon phi chi psi omega"
).split()
_GREEK_CAPITALS = "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split()
# One-symbol math that stands for a Unicode character outside math.
_MATH_SYMBOLS = {name: chr(0x3B1 + i) for i, name in enumerate(_GREEK) if name != "-"}
_MATH_SYMBOLS |= {name: chr(0x391 + _GREEK.index(name.lower())) for name in _GREEK_CAPITALS}
# As in the exporter: \phi is the closed form, \varphi the open one.
_MATH_SYMBOLS |= {"phi": "\u03d5", "varphi": "\u03c6"}
_MATH_SYMBOLS |= {
    "le": "≤", "ge": "≥", "neq": "≠", "approx": "≈", "sim": "∼", "equiv": "≡", "infty": "∞",
    "partial": "∂", "nabla": "∇", "in": "∈", "sum": "∑", "prod": "∏", "int": "∫",
    "surd": "√", "forall": "∀", "exists": "∃", "emptyset": "∅", "wedge": "∧", "vee": "∨",
    "cap": "∩", "cup": "∪", "subset": "⊂", "subseteq": "⊆", "oplus": "⊕", "otimes": "⊗",
    "cdot": "⋅", "circ": "∘", "Rightarrow": "⇒", "Leftrightarrow": "⇔",
    "leftrightarrow": "↔", "mapsto": "↦", "langle": "⟨", "rangle": "⟩", "prime": "′",
    "ell": "ℓ", "neg": "¬",
}  # fmt: skip

_NAME = re.compile(r"[A-Za-z]+")
# \symbol{36}: the character of that code, which for printable ASCII is the same in T1.
_SYMBOL_ARGUMENT = re.compile(r"\{(3[2-9]|[4-9][0-9]|1[01][0-9]|12[0-6])\}")
_MATH_SYMBOL_GROUP = re.compile(r"\{\$\\([A-Za-z]+)\$\}")


@frozen
class _TitleSymbol:
    """A title's ``{$\\alpha$}`` outside any group: math, or a Unicode letter, by its neighbours.

    The exporter braces a math span that is a word by itself, ``{$\\alpha$}``,
    and writes a Unicode α that way too; an α within a word is written the same
    but the word around it goes on. So it is read as math when it stands alone,
    and as the letter when a word character touches it.
    """

    name: str


# What the exporter's title protection counts as one word with a symbol: word
# characters, joined across an apostrophe; and, in an ASCII title, a symbol
# right after an apostrophe is never braced as math.
_WORD_BEFORE = re.compile(r"(?:\w|['\u2019])\Z")
_WORD_AFTER = re.compile(r"['\u2019]?\w")
# A title symbol counts as a word character for its neighbours.
_SYMBOL_AS_LETTER = "a"


def _text_around(pieces: list[str | _TitleSymbol]) -> str:
    return "".join(_SYMBOL_AS_LETTER if isinstance(p, _TitleSymbol) else p for p in pieces)


class _Decoder:
    def __init__(self, text: str, *, title: bool) -> None:
        self.text = text
        self.position = 0
        self.title = title
        self.depth = 0
        #: The title symbols read as math, to check that no other dollar pairs with them.
        self.symbol_spans: list[str] = []
        #: The decoded text with each of those symbols walled off (see :func:`decode`).
        self.walled = ""

    def sequence(self, closed_by_brace: bool) -> str:
        """Decode up to the end, or up to and past the ``}`` closing the current group."""
        text = self.text
        out: list[str | _TitleSymbol] = []
        while self.position < len(text):
            char = text[self.position]
            if char == "}" and closed_by_brace:
                self.position += 1
                break
            if char == "{":
                out.append(self.group())
            elif char == "\\":
                out.append(self.command())
            elif char == "$":
                out.append(self.math())
            elif char == "~":
                self.position += 1
                out.append("\u00a0")
            else:
                out.append(self.plain())
        return self.resolve(out)

    def resolve(self, pieces: list[str | _TitleSymbol]) -> str:
        """The pieces joined, each title symbol read as math or as its letter."""
        if all(isinstance(piece, str) for piece in pieces):
            return "".join(pieces)  # type: ignore[arg-type]  # checked just above
        kept = [piece for piece in pieces if piece != ""]
        out = []
        walled = []
        for index, piece in enumerate(kept):
            if isinstance(piece, str):
                out.append(piece)
                walled.append(piece)
                continue
            before = _text_around(kept[max(index - 2, 0) : index])
            after = _text_around(kept[index + 1 : index + 3])
            if _WORD_BEFORE.search(before) or _WORD_AFTER.match(after):
                out.append(_MATH_SYMBOLS[piece.name])
                walled.append(out[-1])
            else:
                self.symbol_spans.append(f"$\\{piece.name}$")
                out.append(self.symbol_spans[-1])
                walled.append(_WALL)
        self.walled = "".join(walled)
        return "".join(out)

    def plain(self) -> str:
        """The run of text up to the next character that means something to TeX."""
        match = _PLAIN_RUN.match(self.text, self.position)
        assert match is not None  # sequence() calls this on a plain character only
        self.position = match.end()
        return match.group()

    def group(self) -> str | _TitleSymbol:
        match = _MATH_SYMBOL_GROUP.match(self.text, self.position)
        if match is not None and match[1] in _MATH_SYMBOLS:
            self.position = match.end()
            if self.title and self.depth == 0:
                return _TitleSymbol(match[1])
            return _MATH_SYMBOLS[match[1]]
        self.position += 1
        match = _NAME.match(self.text, self.position + 1)
        if self.text.startswith("\\", self.position) and match and match[0] in _STYLE_SWITCHES:
            self.position = match.end()
            self.skip_spaces()
        self.depth += 1
        decoded = self.sequence(closed_by_brace=True)
        self.depth -= 1
        return decoded

    def math(self) -> str:
        """A ``$...$`` span as written, or a lone dollar that opens none."""
        text = self.text
        end = self.position + 1
        while end < len(text) and text[end] != "$":
            end += 2 if text[end] == "\\" else 1
        if end >= len(text):
            self.position += 1
            return "$"
        content = text[self.position + 1 : end].strip()
        self.position = end + 1
        if content == "-" and (self.depth == 0 or not self.title):
            # The exporter's minus sign (U+2212); in a title, math "$-$" would be braced.
            return "\u2212"
        return f"${content}$" if content else "$$"

    def command(self) -> str:
        text = self.text
        start = self.position
        self.position += 1
        if self.position >= len(text):
            return "\\"
        char = text[self.position]
        if char == "\\":
            self.position += 1
            return "\\\\"
        if char in _ESCAPED:
            self.position += 1
            return char
        if char in _CONTROL_SYMBOLS:
            self.position += 1
            return _CONTROL_SYMBOLS[char]
        if char in _SYMBOL_ACCENTS:
            self.position += 1
            return self.accent(_SYMBOL_ACCENTS[char], start)
        match = _NAME.match(text, self.position)
        if match is None:
            self.position += 1
            return text[start : self.position]
        name = match[0]
        self.position = match.end()
        if name in _LETTER_ACCENTS:
            self.skip_spaces()
            return self.accent(_LETTER_ACCENTS[name], start)
        if name in _LETTERS or name in _SYMBOLS:
            self.end_control_word()
            return _LETTERS.get(name) or _SYMBOLS[name]
        if name in _STYLE_SWITCHES:
            self.skip_spaces()
            return ""
        if name in _STYLE_WRAPPERS or name in ("url", "href"):
            return self.wrapper(name, start)
        if name == "symbol" and (match := _SYMBOL_ARGUMENT.match(text, self.position)):
            self.position = match.end()
            return chr(int(match[1]))
        return text[start : self.position] + self.raw_arguments()

    def skip_spaces(self) -> None:
        # Values are decoded with their white space folded: at most one space here.
        if self.text.startswith(" ", self.position):
            self.position += 1

    def end_control_word(self) -> None:
        """Pass the ``{}`` or the spaces that end a control word, as TeX does."""
        if self.text.startswith("{}", self.position):
            self.position += 2
        else:
            self.skip_spaces()

    def accent(self, mark: str, start: int) -> str:
        text = self.text
        if self.position >= len(text):
            return text[start:]
        char = text[self.position]
        if char == "{":
            self.position += 1
            base = self.sequence(closed_by_brace=True)
        elif char == "\\":
            base = self.command()
        elif char in " }$":
            return text[start : self.position]
        else:
            self.position += 1
            base = char
        if not base:
            # An accent on an empty group prints alone, as our exporter writes a lone mark.
            return mark
        base = unicodedata.normalize("NFC", _DOTLESS.get(base, base))
        # One letter, perhaps with accents that have no composed form (v̈ takes an acute too).
        if not base or not all(unicodedata.combining(c) for c in base[1:]):
            return text[start : self.position]
        return unicodedata.normalize("NFC", base + mark)

    def wrapper(self, name: str, start: int) -> str:
        """The text of ``\\textbf{x}`` and kin, ``\\url{x}`` and ``\\href{url}{x}``."""
        self.skip_spaces()
        if not self.text.startswith("{", self.position):
            return self.text[start : self.position]
        self.position += 1
        if name == "url":
            return self.verbatim_group()
        if name == "href":
            self.verbatim_group()
            self.skip_spaces()
            if not self.text.startswith("{", self.position):
                return ""
            self.position += 1
        return self.sequence(closed_by_brace=True)

    def verbatim_group(self) -> str:
        """The text up to the brace closing the current group, undecoded."""
        text = self.text
        depth = 0
        start = self.position
        while self.position < len(text):
            char = text[self.position]
            self.position += 1
            if char == "{":
                depth += 1
            elif char == "}":
                if depth == 0:
                    return text[start : self.position - 1]
                depth -= 1
        return text[start:]

    def raw_arguments(self) -> str:
        """The braced arguments right after an unknown command, kept with their braces."""
        start = self.position
        while self.text.startswith("{", self.position):
            self.position += 1
            self.verbatim_group()
        return self.text[start : self.position]


def decode(value: str, *, title: bool = False) -> str:
    """A field's LaTeX as the model's text: Unicode, math spans kept, whitespace folded.

    >>> decode(r"Caf{\\'e} \\& {$\\alpha$}: 12\\% of $x^2$ (\\eg)")
    'Café & α: 12% of $x^2$ (\\\\eg)'
    """
    folded = _ASCII_WHITESPACE.sub(" ", value).strip(" ")
    if not any(char in folded for char in "\\{}$~"):
        return unicodedata.normalize("NFC", folded)
    decoder = _Decoder(folded, title=title)
    decoded = decoder.sequence(closed_by_brace=False)
    # A symbol taken for math must be a span of its own when the model's rule
    # (paperbib.text.split_math) reads the text, and the other spans those of the
    # text around it, read with the symbol as a wall; else it is a letter.
    symbols = decoder.symbol_spans
    if symbols and sorted(_math_of(decoded)) != sorted(_math_of(decoder.walled) + symbols):
        decoded = _Decoder(folded, title=False).sequence(closed_by_brace=False)
    return unicodedata.normalize("NFC", decoded).strip()


# An escaped dollar: split_math reads no math span across it, nor into or out of it.
_WALL = "\\$"


def _math_of(text: str) -> list[str]:
    return [segment for segment, is_math in split_math(text) if is_math]


_PLAIN_RUN = re.compile(r"[^{}\\$~]+")
_ASCII_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")
_URL_ESCAPE = re.compile(r"\\([%&_#~$])")


def decode_url(value: str) -> str:
    """A ``url`` or ``doi`` field, read verbatim but for the ``\\_`` some writers put in."""
    return _URL_ESCAPE.sub(r"\1", "".join(value.split()))
