"""Variants that ran the same scenario, drawn once: every variant runs on the same seeds,
so identical variants give identical numbers, and a chart that drew each would show one
thing as if it were several. They are drawn under all their names, ``"A = B"``, and the
legend says so.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ccsim.experiment.sweep import LABEL_COLUMN

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.experiment import Results


def distinct(results: Results) -> Results:
    """``results`` with each set of variants that ran the same scenario kept once, under
    all their names joined (``"A = B"``): every variant runs on the same seeds, so
    identical variants give identical numbers, and a chart that drew each would show one
    thing as if it were several. ``results`` itself when no two variants are the same."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for v in results.manifest["variants"]:
        groups.setdefault(json.dumps(v["scenario"], sort_keys=True), []).append(v)
    if all(len(g) == 1 for g in groups.values()):
        return results
    from ccsim.experiment import Results as _Results

    rename = {g[0]["label"]: " = ".join(v["label"] for v in g) for g in groups.values()}
    variants = []
    for group in groups.values():  # in the order of each group's first variant
        first = group[0]
        params = dict(first["parameters"])
        if LABEL_COLUMN in params:  # the hand-made variants' own axis shows both names
            params[LABEL_COLUMN] = " = ".join(dict.fromkeys(
                str(v["parameters"].get(LABEL_COLUMN)) for v in group))
        variants.append({**first, "label": rename[first["label"]], "parameters": params})
    identical = [[v["label"] for v in g] for g in groups.values() if len(g) > 1]
    manifest = {**results.manifest, "variants": variants, "identical": identical}

    def relabel(table: pd.DataFrame) -> pd.DataFrame:
        if table.empty or "variant" not in table:
            return table
        kept = table[table["variant"].isin(rename)]
        return kept.assign(variant=kept["variant"].map(rename))

    return _Results(manifest, relabel(results.runs), relabel(results.types),
                    relabel(results.intervals), relabel(results.groups),
                    relabel(results.agents), relabel(results.days),
                    relabel(results.channels), out=results.out)


def identical_note(results: Results) -> list[str]:
    """What :func:`distinct` drew once, in words (none when it merged nothing)."""
    merged = [" = ".join(names) for names in results.manifest.get("identical", [])]
    return ([f"Drawn once (the same scenario, so the same results): {'; '.join(merged)}."]
            if merged else [])
