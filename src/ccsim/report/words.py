"""The scenario in words on the report page: as its parts describe themselves
(:meth:`Scenario.describe` and the ``describe`` of its parts, so the page says what every
key does, new ones included), with the volumes a planner looks for first; and what each
variant of a sweep changes, in words, not as keys and JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from ccsim.experiment.factors import describe
from ccsim.experiment.sweep import LABEL_COLUMN
from ccsim.report.html import html_table
from ccsim.units import format_duration

if TYPE_CHECKING:
    from ccsim.experiment import Results
    from ccsim.scenario import ContactType, Scenario


def base_scenario(results: Results, scenarios: Mapping[str, Scenario]) -> Scenario:
    """The scenario a sweep varies (its input file, when it was kept and still reads),
    else the first variant's."""
    from ccsim.scenario import ScenarioError, load_scenario

    source = results.manifest.get("scenario_source")
    if results.out is not None and source and results.manifest.get("source"):
        for name in (Path(source).name, f"scenario-{Path(source).name}"):
            path = results.out / "inputs" / name
            if path.is_file() and path.name != Path(results.manifest["source"]).name:
                try:
                    return load_scenario(path)
                except ScenarioError:
                    break
    return next(iter(scenarios.values()))


def scenario_section(results: Results, scenario: Scenario) -> list[str]:
    """The scenario in words (:func:`scenario_words`), said to be the base of a sweep's
    variants."""
    out = scenario_words(scenario)
    if len(results.variants) > 1:
        out.insert(1, "<p>The base scenario; each variant changes it as listed under "
                   "<a href=#variants>Variants</a>.</p>")
    return out


def scenario_words(scenario: Scenario) -> list[str]:
    """The scenario as its parts describe themselves (so the page says what every key
    does, new ones included), with the volumes a planner looks for first."""
    out = [f"<p id=scenario-words>{escape(scenario.describe())}</p>"]
    # Volumes as a planner has them: per day, or the whole horizon when it is a day or less.
    per = ("per day" if scenario.horizon > 86400
           else f"in the {format_duration(scenario.horizon)}")
    out.append(html_table("contact-types", "Contact types", [
        "contact type", f"expected {per}", "busiest interval", "in words"],
        [_type_row(scenario, c) for c in scenario.contact_types], words=True))
    out.append(html_table("teams", "Agent groups (teams)", [
        "agent group", "in words", "agent-hours scheduled"],
        [[escape(g.name), escape(g.describe()), f"{sum(planned) * scenario.period / 3600:,.1f}"]
         for g, planned in zip(scenario.agent_groups, scenario.planned_staff(), strict=True)],
        words=True))
    if scenario.outbound:
        out.append(html_table("campaigns", "Outbound campaigns", ["campaign", "in words"],
                              [[escape(c.name), escape(c.describe())] for c in scenario.outbound],
                              words=True))
    return out


def _type_row(s: Scenario, c: ContactType) -> list[str]:
    volumes = s.volumes(c)
    days = max(s.horizon / 86400, 1.0)  # a day or less: the horizon is the day
    peak = max(range(len(volumes)), key=volumes.__getitem__)
    start = s.start_seconds + peak * s.period
    when = f"{int(start // 3600 % 24):02d}:{int(start % 3600 // 60):02d}"
    return [escape(c.name), f"{sum(volumes) / days:,.0f}",
            escape(f"{volumes[peak]:,.0f} at {when}"), escape(c.describe())]


def variants_table(results: Results) -> list[str]:
    """What each variant changes, in words (``callbacks: 30 % accept, promised within
    1h``, ``staff of every team × 0.9``), not as keys and JSON."""
    if len(results.variants) < 2:
        return []
    scenarios = results.scenarios()
    rows = [[escape(v["label"]), escape(changes(v["parameters"], scenarios[v["label"]]))]
            for v in results.manifest["variants"]]
    return [html_table("variants", "Variants: what each changes",
                       ["variant", "what it changes"], rows, words=True)]


def changes(parameters: Mapping[str, object], scenario: Scenario) -> str:
    """The keys a variant sets (``parameters``, as the manifest has them) in words, read
    from the variant's ``scenario``; the keys of one part together: ``callbacks: 30 %
    accept, promised within 1h; sales team quota: a daily quota of 20 outbound
    conversations per agent``."""
    parts: dict[str, list[str]] = {}
    for key, value in parameters.items():
        if key != LABEL_COLUMN:
            head, text = _change_words(key, value, scenario)
            parts.setdefault(head, []).append(text)
    # "staff of every team × 0.9", "lines = 40": a value of the key itself, no colon.
    return "; ".join(f"{head}{' ' if texts[0][:2] in ('= ', '× ') else ': '}"
                     f"{', '.join(texts)}" for head, texts in parts.items()) or "as the base"


def _change_words(key: str, value: object, scenario: Scenario) -> tuple[str, str]:
    """One changed key as (what it belongs to, what it is now), in words, read from the
    variant's scenario: the part it sets describes itself; a callback key as the policy
    says it; a key of a small table (a quota, a distribution) as the table says itself;
    else ``<key in words>``, ``= value`` (a key of a contact type, a team, the centre)."""
    words = describe(key)
    if key.endswith(":scale"):
        return words, f"× {value:g}" if isinstance(value, int | float) else f"× {value}"
    found, parent = _resolve(scenario, key.split("."))
    owner, _, leaf = key.rpartition(".")
    if hasattr(found, "describe"):
        return words, found.describe()
    if hasattr(parent, "key_words"):  # a key of a callback policy
        return describe(owner), parent.key_words(leaf)
    if isinstance(parent, BaseModel) and hasattr(parent, "describe") and (
        "name" not in type(parent).model_fields
    ):
        # A key of a small table (a quota, a distribution): the table in words.
        return describe(owner), parent.describe()
    return words, f"= {value}"


def _resolve(model: object, path: list[str]) -> tuple[object, object]:
    """The value at ``path`` in ``model`` (list entries by name) and what holds it; None
    where the path does not lead (a wildcard, a key unset in this variant)."""
    parent: object = None
    for part in path:
        parent = model
        if isinstance(model, list):
            model = next((e for e in model if getattr(e, "name", None) == part), None)
        else:
            model = getattr(model, part, None)
        if model is None:
            return None, None
    return model, parent
