"""The HTML pieces of the report pages: their inline style sheet, tables whose number cells
break only before their ``±``, a metric's cell with its verdict against a target, and a
chart embedded as a ``data:`` URI.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from ccsim.report.columns import cell
from ccsim.report.targets import Target, part_of, targets, verdict

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.scenario import Scenario


#: The page's style sheet, inline (the page fetches nothing).
STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1d232a; margin: 2rem auto; max-width: 96rem; padding: 0 1.5rem; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem;
     border-bottom: 2px solid #d5dbe1; padding-bottom: .2rem; }
.sub { color: #56616c; margin-top: 0; }
table { border-collapse: collapse; margin: .6rem 0 1.2rem; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d5dbe1; padding: .25rem .6rem; text-align: right;
         vertical-align: top; white-space: nowrap; }
.name, table.words td, table.words th { text-align: left; }
table.words td, td.wrap { white-space: normal; } .n { white-space: nowrap; }
th { background: #eef1f4; white-space: normal; } .scroll { overflow-x: auto; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
.met { color: #11683a; font-weight: 600; } .missed { color: #b3261e; font-weight: 700; }
.unclear { color: #8a5a00; font-weight: 600; }
.note { background: #fff4d6; border-left: 4px solid #e0a100; padding: .5rem .8rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem 2rem; } figure { margin: 0; }
figure img { max-width: 100%; border: 1px solid #d5dbe1; }
figcaption { color: #56616c; } pre { background: #f5f7f9; padding: .8rem; overflow-x: auto; }
dt { font-weight: 600; } dd { margin: 0 0 .4rem 1.2rem; }
details.variant { margin: .3rem 0; } details.variant > summary { cursor: pointer; }
.scroll .name:first-child { position: sticky; left: 0; background: #fff; }
.scroll th.name:first-child { background: #eef1f4; }
"""


def html_table(
    ident: str, caption: str, header: Sequence[str], rows: Iterable[Sequence[str]],
    *, names: int = 1, words: bool = False,
) -> str:
    """A table; ``header`` is text (escaped here), the cells of ``rows`` are HTML. The
    first ``names`` columns name the row and align left, the numbers after them right;
    ``words``: every cell is text, aligned left and wrapped."""

    def tag(kind: str, i: int, content: str) -> str:
        if i < names:
            return f"<{kind} class=name>{content}</{kind}>"
        # A number cell (spans of number_html) may break between its mean and its CI.
        return (f"<{kind} class=wrap>{content}</{kind}>" if "<span class=n>" in content
                else f"<{kind}>{content}</{kind}>")

    head = "".join(tag("th", i, escape(h)) for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(tag("td", i, c) for i, c in enumerate(row)) + "</tr>\n"
                   for row in rows)
    kind = " class=words" if words else ""
    # A wide sweep table scrolls inside its box rather than past the page.
    return (f"<div class=scroll><table id={ident}{kind}>\n<caption>{escape(caption)}</caption>\n"
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table></div>")


def judged(row: pd.Series, name: str, goals: Mapping[str, Target]) -> str:
    """A metric's cell, with its verdict against the target when there is one."""
    mean, half = row.get(name, math.nan), row.get(f"{name}_ci95", math.nan)
    text = number_html(cell(mean, half, name))
    if name not in goals:
        return text
    word = verdict(mean, half, goals[name])
    return f"{text} <span class={word}>{word}</span>"


def number_html(text: str) -> str:
    """A cell's ``mean ± half unit`` as HTML that may break before the ``±`` only, so
    that a wide table narrows to the page before it has to scroll."""
    mean, sep, rest = text.partition(" ± ")
    return (f"<span class=n>{escape(mean)}</span> <span class=n>± {escape(rest)}</span>"
            if sep else f"<span class=n>{escape(text)}</span>")


def goals_of(scenario: Scenario | None, row: Mapping[str, Any] | pd.Series | None = None
             ) -> dict[str, Target]:
    """The targets ``scenario`` states, by metric: the whole centre's, or those of the
    contact type (and segment) of a per-type table's ``row``."""
    if row is None or "contact_type" not in row:
        return {t.metric: t for t in targets(scenario)}
    return {t.metric: t for t in targets(scenario, *part_of(row))}


def figure_html(png: bytes, name: str) -> str:
    """A chart as a figure whose image is embedded (a ``data:`` URI: the page fetches
    nothing), captioned with its file name."""
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{escape(name)}">'
            f"<figcaption>{escape(name)}</figcaption></figure>")


def document(title: str, body: list[str]) -> str:
    """A whole page: ``body`` (HTML pieces, one per line) under the inline style sheet,
    titled ``title`` (text)."""
    return (
        "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
        '<meta name=viewport content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n"
        "</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )
