"""The pieces every image shares: escaping, shortening, coordinates, the theme and the document.

Pure functions: text in, text out; no I/O. Each SVG is written one element a line, with a
`<style>` that follows the reader's light or dark theme (`prefers-color-scheme`), so that a
committed file shows well on GitHub in both themes and its diffs stay small.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from ..records import dataclass

#: Characters XML 1.0 does not allow in a document at all (C0 controls but tab and line
#: ends, lone surrogates, U+FFFE/U+FFFF): removed from author text rather than escaped.
#: Written as the few ranges it matches: the negated class of the allowed ones (all but
#: these) took about 5 ms to compile on every run.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
#: Code points that only change the character before them: never left at the end of a cut.
_JOINERS = frozenset("\u200d\ufe0e\ufe0f")
ELLIPSIS = "\u2026"
#: The most code points one cluster keeps (an emoji family with skin tones has up to 15).
_CLUSTER_MAX = 16

#: Marks the files this package writes: a file without the mark is never overwritten.
GENERATOR = "draftforge-stats"

FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif"


def escape(text: str) -> str:
    """`text` safe inside an XML element or a double- or single-quoted attribute."""
    return "".join(_XML.get(char, char) for char in _NOT_XML.sub("", text))


def one_line(text: str) -> str:
    """`text` with every run of whitespace (line ends included) as one space, trimmed."""
    return " ".join(_NOT_XML.sub("", text).split())


def _width(char: str) -> int:
    """Width in half-em units: 2 for wide characters (CJK, emoji), 0 for combining marks."""
    if unicodedata.combining(char) or char in _JOINERS:
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F") or ord(char) >= 0x1F000:
        return 2
    return 1


def _clusters(text: str) -> list[str]:
    """`text` cut into what a reader sees as one character: a base character with its marks
    and variation selectors, an emoji joined by zero-width joiners, a flag's two letters."""
    clusters: list[str] = []
    join = False
    for char in text:
        pair = (
            _is_regional(char)
            and bool(clusters)
            and len(clusters[-1]) == 1
            and _is_regional(clusters[-1])
        )
        if clusters and (join or _width(char) == 0 or pair):
            clusters[-1] += char
        else:
            clusters.append(char)
        join = char == "\u200d"
    return clusters


def _is_regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut to at most `limit` half-em units with an ellipsis at the end.

    Whole clusters are kept or dropped: a cut never separates a letter from its accent, nor
    breaks an emoji sequence or a flag. Bounded work and output whatever the input: only the
    first `limit * 16` code points are looked at, and a cluster keeps at most 16 of its code
    points (a letter buried under hundreds of accents keeps the first ones).
    """
    text = one_line(text)
    window = text[: limit * _CLUSTER_MAX]
    clusters = [cluster[:_CLUSTER_MAX] for cluster in _clusters(window)]
    widths = [max(_width(char) for char in cluster) for cluster in clusters]
    if sum(widths) <= limit and len(window) == len(text):
        return "".join(clusters)
    kept: list[str] = []
    used = 1  # the ellipsis
    for cluster, width in zip(clusters, widths, strict=True):
        used += width
        if used > limit:
            break
        kept.append(cluster)
    return "".join(kept).rstrip() + ELLIPSIS


#: The longest name an image's accessible title holds (half-em units): a name of any length
#: keeps the file small.
NAME_UNITS = 200


def project_name(name: str) -> str:
    """The project's name for an image's `<title>` and `<desc>`: one line, at most
    :data:`NAME_UNITS` long."""
    return shorten(name, NAME_UNITS)


def coordinate(value: float) -> str:
    """A coordinate with at most one decimal and no trailing zeros: `12`, `12.5`."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class Palette:
    """The colours of one theme, by CSS class. Text classes are checked for a WCAG contrast
    of at least 4.5 against `bg`, graphics (bar, par, non-empty cells) for at least 3."""

    colours: Mapping[str, str]

    def __getitem__(self, name: str) -> str:
        return self.colours[name]


#: Text colours: title and numbers (`fg`), captions (`muted`).
TEXT_CLASSES = ("fg", "muted")
#: Graphic colours that carry data: the bar, the par mark and the heatmap's levels 1 to 4.
GRAPHIC_CLASSES = ("bar", "par", "l1", "l2", "l3", "l4")

LIGHT = Palette(
    {
        "bg": "#ffffff",
        "border": "#d1d9e0",
        "fg": "#1f2328",
        "muted": "#59636e",
        "track": "#d1d9e0",
        "bar": "#1a7f37",
        "par": "#9a6700",
        "l0": "#ebedf0",
        "l1": "#56a06a",
        "l2": "#2f8a46",
        "l3": "#1e6e35",
        "l4": "#0f4d22",
    }
)
DARK = Palette(
    {
        "bg": "#0d1117",
        "border": "#30363d",
        "fg": "#e6edf3",
        "muted": "#9198a1",
        "track": "#30363d",
        "bar": "#3fb950",
        "par": "#d29922",
        "l0": "#21262d",
        "l1": "#2b7a3d",
        "l2": "#3b9c4f",
        "l3": "#56d364",
        "l4": "#8ee39b",
    }
)
DARK_QUERY = "@media (prefers-color-scheme: dark)"

# What each class paints: text and shapes are filled, the card's edge is stroked.
_PAINT = {"border": "stroke"}


def _rules(palette: Palette, names: Iterable[str]) -> list[str]:
    return [f".{name}{{{_PAINT.get(name, 'fill')}:{palette[name]}}}" for name in names]


def style(names: Iterable[str], extra: Iterable[str] = ()) -> list[str]:
    """The `<style>` element's lines: the light colours, then the dark ones in a media query."""
    used = list(names)
    return [
        "<style>",
        f"text{{font-family:{FONT}}}",
        *extra,
        *_rules(LIGHT, used),
        f"{DARK_QUERY}{{",
        *_rules(DARK, used),
        "}",
        "</style>",
    ]


def document(
    *, ident: str, width: int, height: int, title: str, desc: str, body: Iterable[str],
    style_lines: Iterable[str],
) -> str:  # fmt: skip
    """A whole SVG file: root element, accessible name and description, style, body.

    `title` and `desc` are plain text (escaped here); `body` lines are SVG already.
    """
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'data-generator="{GENERATOR}">',
        f'<title id="{ident}-title">{escape(one_line(title))}</title>',
        f'<desc id="{ident}-desc">{escape(one_line(desc))}</desc>',
        *style_lines,
        f'<rect class="bg border" x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" '
        'rx="6"/>',
        *body,
        "</svg>",
    ]
    return "\n".join(lines) + "\n"


def text(x: float, y: float, content: str, css: str, *, anchor: str = "start") -> str:
    """One `<text>` element; `content` is plain text (escaped here)."""
    where = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return (
        f'<text class="{css}" x="{coordinate(x)}" y="{coordinate(y)}"{where}>'
        f"{escape(content)}</text>"
    )


def rect(x: float, y: float, width: float, height: float, css: str, extra: str = "") -> str:
    """One `<rect>` element."""
    return (
        f'<rect class="{css}" x="{coordinate(x)}" y="{coordinate(y)}" '
        f'width="{coordinate(width)}" height="{coordinate(height)}"{extra}/>'
    )


__all__ = [
    "DARK",
    "DARK_QUERY",
    "ELLIPSIS",
    "GENERATOR",
    "GRAPHIC_CLASSES",
    "LIGHT",
    "NAME_UNITS",
    "TEXT_CLASSES",
    "Palette",
    "document",
    "escape",
    "one_line",
    "project_name",
    "rect",
    "shorten",
    "style",
    "text",
]
