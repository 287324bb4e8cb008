r"""Digest text cleaning: the LaTeX decoding table, math spans, whitespace and links."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

import paperbib.text
from paperbib.model import Link, LinkKind
from paperbib.text import clean, decode_latex, find_links, fold_whitespace, link_kind, split_math


def math_spans(text: str) -> list[str]:
    return [segment for segment, is_math in split_math(text) if is_math]


def test_docstring_examples_hold() -> None:
    """The examples in paperbib.text's docstrings give the results they show."""
    result = doctest.testmod(paperbib.text)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (r"a 2.5\% gain", "a 2.5% gain"),
        (r"R\&D", "R&D"),
        (r"snake\_case", "snake_case"),
        (r"the \#1 model", "the #1 model"),
        (r"a set \{x\}", "a set {x}"),
        (r"home\~{}dir and x\^{}2", "home~dir and x^2"),
    ],
)
def test_text_escapes_become_their_characters(latex: str, plain: str) -> None:
    """The text-mode escapes of special characters decode to the characters."""
    assert clean(latex) == plain


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (r"Caf\'e", "Café"),
        (r"Caf\'{e}", "Café"),
        (r"G{\"o}del", "Gödel"),
        (r"G\"{o}del", "Gödel"),
        (r"T\"ULU 3", "TÜLU 3"),
        (r"\`a la", "à la"),
        (r"Ha\v{c}ek", "Haček"),
        (r"Gar\c con", "Garçon"),
        (r"Fran\c{c}ois", "François"),
        (r"Erd\H{o}s", "Erdős"),
        (r"Mart\'\i nez", "Martínez"),
        (r"Mart\'{\i}nez", "Martínez"),
        (r"Espa\~na", "España"),
        (r"\AA ngstr\"om", "Ångström"),
        (r"Stra\ss e", "Straße"),
        (r"Bj{\o}rn", "Bjørn"),
        (r"\L{}\'od\'z", "Łódź"),
    ],
)
def test_accents_and_named_letters_become_unicode(latex: str, plain: str) -> None:
    """Accent commands, braced or not, and named letters decode to Unicode letters."""
    assert clean(latex) == plain


def test_an_accent_with_no_unicode_letter_stays_as_written() -> None:
    """An accent that Unicode cannot compose onto its letter is kept, not mangled."""
    assert clean(r"\r{x}") == r"\r{x}"


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (r"a \textbf{de-domaining} step", "a de-domaining step"),
        (r"\emph{not} here", "not here"),
        (r"\textit{in situ}", "in situ"),
        (r"\textbf{bold \emph{and} more}", "bold and more"),
        (r"{\em old style} switch", "old style switch"),
        (r"\textbf{G\"odel}", "Gödel"),
    ],
)
def test_style_commands_are_unwrapped(latex: str, plain: str) -> None:
    """Style commands keep their text and lose their markup, nested ones too."""
    assert clean(latex) == plain


@pytest.mark.parametrize(
    "latex",
    [
        r"shared entities (\eg users or items)",
        r"\input{/etc/passwd}",
        r"\write18{rm -rf ~}",
        r"a budget of \800",
        r"\newcommand{\x}{y}",
        r"line one\\ line two",
    ],
)
def test_unknown_commands_stay_literal(latex: str) -> None:
    """A command outside the table is kept as literal text, never dropped or run."""
    assert clean(latex) == latex


def test_dashes_and_ties_stay_as_written() -> None:
    """``--`` and ``~`` are plain text too, so they are not turned into dashes or spaces."""
    assert clean("pages 3--5, see~Fig. 2") == "pages 3--5, see~Fig. 2"


def test_named_symbols_keep_the_space_after_them() -> None:
    """A symbol's trailing space is the writer's; ``{}`` after it is dropped."""
    assert clean(r"one, two, \ldots and more; x\ldots{}y") == "one, two, … and more; x…y"


@pytest.mark.parametrize(
    "title",
    [r"Re$^3$Dial", r"$\textbf{x}$-former", r"a $50\%$ cut", r"$\'e$ in math"],
)
def test_math_spans_are_kept_exactly(title: str) -> None:
    """Nothing inside a math span is decoded."""
    assert clean(title) == title


def test_escaped_dollars_become_plain_dollars_that_are_not_math() -> None:
    """``\\$`` decodes to ``$`` where the result is read as prices, not math."""
    cleaned = clean(r"it costs \$5 and \$10, or \$5--\$10")
    assert cleaned == "it costs $5 and $10, or $5--$10"
    assert math_spans(cleaned) == []


def test_escaped_dollars_that_would_pair_up_stay_escaped() -> None:
    """When decoded dollars would read as math, the escapes are kept instead."""
    cleaned = clean(r"the literal \$x\$ next to $y$")
    assert cleaned == r"the literal \$x\$ next to $y$"
    assert math_spans(cleaned) == ["$y$"]


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("Re$^3$Dial and H$_2$O", ["$^3$", "$_2$"]),
        ("costs $5 and $10", []),
        ("from $5$10", []),
        ("a lone $ sign", []),
        (r"escaped \$x$ then $y$", ["$y$"]),
        (r"$\alpha$-stable", [r"$\alpha$"]),
    ],
)
def test_math_spans_follow_pandocs_rule(text: str, spans: list[str]) -> None:
    """A span opens before a non-space, closes after one and not before a digit."""
    assert math_spans(text) == spans
    assert "".join(segment for segment, _ in split_math(text)) == text


_PIECES = st.sampled_from(["a", "5", " ", "$", r"\$", r"\%", r"\eg", r"\'e", "\t", "x"])


@given(st.lists(_PIECES, max_size=12).map("".join))
def test_decoding_never_creates_or_breaks_math(text: str) -> None:
    """The math spans after decoding are exactly the ones the digest text had."""
    assert math_spans(decode_latex(text)) == math_spans(text)


def test_whitespace_is_folded_and_invisible_characters_dropped() -> None:
    """Runs of whitespace become one space; soft hyphens, zero-width and control characters go."""
    messy = " Deep\u00a0 Resi\u00addual\tLearn\u200bing\n\n for\x07 Images \ufeff"
    assert fold_whitespace(messy) == "Deep Residual Learning for Images"
    assert clean(messy) == "Deep Residual Learning for Images"


@pytest.mark.parametrize(
    ("prose", "url"),
    [
        ("Code: https://github.com/ICTMCG/M3FEND.", "https://github.com/ICTMCG/M3FEND"),
        (
            "Weights: https://huggingface.co/InfiX-ai/InfiMed-Foundation-4B{InfiMed-Foundation-4B}.",
            "https://huggingface.co/InfiX-ai/InfiMed-Foundation-4B",
        ),
        ("(see https://example.org/a_b)", "https://example.org/a_b"),
        (
            "as in https://en.wikipedia.org/wiki/Mamba_(snake).",
            "https://en.wikipedia.org/wiki/Mamba_(snake)",
        ),
        ("at~https://example.org/x, and", "https://example.org/x"),
        ("is \\url{https://example.org/x}!", "https://example.org/x"),
        ("“https://example.org/q?a=1&b=2”", "https://example.org/q?a=1&b=2"),
        ("代码见 https://gitee.com/lab/repo。", "https://gitee.com/lab/repo"),
    ],
)
def test_urls_are_trimmed_of_surrounding_prose(prose: str, url: str) -> None:
    """Trailing punctuation, unbalanced brackets and glued ``{label}`` suffixes are cut off."""
    assert [link.url for link in find_links(prose)] == [url]


def test_links_are_found_in_order_each_once() -> None:
    """Every URL becomes one link, in order of first appearance."""
    prose = (
        "Code at https://github.com/lab/repo and a demo at https://lab.github.io/demo/; "
        "the code again: https://github.com/lab/repo."
    )
    assert find_links(prose) == (
        Link("https://github.com/lab/repo", LinkKind.CODE),
        Link("https://lab.github.io/demo/", LinkKind.PROJECT),
    )


def test_text_without_a_real_url_has_no_links() -> None:
    """Bare host names and schemes with nothing after them are not links."""
    assert find_links("see www.example.org or https://. or http:// or ftp://x.org") == ()


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://github.com/ICTMCG/M3FEND", LinkKind.CODE),
        ("https://www.github.com/lab/repo", LinkKind.CODE),
        ("https://gitlab.com/lab/repo", LinkKind.CODE),
        ("https://bitbucket.org/lab/repo", LinkKind.CODE),
        ("https://shikhar-s.github.io/OpenBEATs", LinkKind.PROJECT),
        ("https://lab.gitlab.io/project/", LinkKind.PROJECT),
        ("https://sites.google.com/view/project", LinkKind.PROJECT),
        ("https://huggingface.co/papers/2502.04803", LinkKind.PAPER_PAGE),
        ("https://arxiv.org/abs/1706.03762", LinkKind.PAPER_PAGE),
        ("https://openreview.net/forum?id=abc", LinkKind.PAPER_PAGE),
        ("https://doi.org/10.1000/xyz", LinkKind.PAPER_PAGE),
        ("https://arxiv.org/pdf/1706.03762", LinkKind.PDF),
        ("https://arxiv.org/pdf/1706.03762v7", LinkKind.PDF),
        ("https://example.org/papers/paper.PDF", LinkKind.PDF),
        ("https://github.com/lab/repo/blob/main/report.pdf", LinkKind.PDF),
        ("https://openreview.net/pdf?id=abc", LinkKind.PDF),
        ("https://huggingface.co/InfiX-ai/InfiMed-Foundation-4B", LinkKind.OTHER),
        ("https://huggingface.co/datasets/lab/set", LinkKind.OTHER),
        ("https://huggingface.co/BSC-TeMU", LinkKind.OTHER),
        ("https://aka.ms/BLURB", LinkKind.OTHER),
        ("https://github.io.example.com/x", LinkKind.OTHER),
    ],
)
def test_links_are_typed_by_host_and_path(url: str, kind: LinkKind) -> None:
    """Code hosts, project sites, paper pages and PDFs are told apart; the rest is other."""
    assert link_kind(url) is kind


@given(st.text())
def test_any_text_cleans_to_one_line_and_yields_valid_links(text: str) -> None:
    """Whatever a digest holds, cleaning gives single-spaced text and links are valid URLs."""
    cleaned = clean(text)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert not any(ch in cleaned for ch in "\n\r\t\x00\u00ad\u200b")
    for link in find_links(text + " https://" + text):
        assert link.url.startswith(("http://", "https://"))
        assert link.kind is link_kind(link.url)


# Text pieces, plain, LaTeX and whitespace, that the cleaning rules treat apart.
_CLEANED_PIECES = st.sampled_from(
    [
        *r"a É 5 $ { } \ \' \'e \ss \ldots \textbf{ \% \$ \i".split(),
        *[" ", "  ", "\n", "\t", "\u00a0", "\u00ad", "\u200b", "\x07", "\\c c"],
    ]
)


@given(st.lists(_CLEANED_PIECES).map("".join) | st.text())
def test_cleaning_plain_lines_takes_the_same_result_as_the_general_rules(text: str) -> None:
    """The shortcuts for printable text give exactly what decoding and folding everything gives."""
    general = fold_whitespace(decode_latex(paperbib.text._INVISIBLE.sub("", text)))
    assert clean(text) == general
