"""ccsim.plots.identical: variants that ran the same scenario are drawn once, under all
their names."""

from __future__ import annotations

from plot_cases import THREE_WAY

from ccsim.experiment import load_experiment, run_experiment
from ccsim.plots import distinct, plot_intervals, plot_metric

#: Two hand-made variants that set different keys to the base's own values: the same
#: scenario, so the same numbers (every variant runs on the same seeds).
TWINS = """
scenario = "tiny.toml"
replications = 2
[[variants]]
label = "short patience"
"contact_types.billing.patience.mean" = "1min"
[[variants]]
label = "as planned"
"agent_groups.specialists.staff" = 2
[[variants]]
label = "billing as usual"
"contact_types.billing.patience.mean" = "3min"
"""


def test_identical_variants_are_drawn_once_with_all_their_names(write_experiment) -> None:
    results = run_experiment(load_experiment(write_experiment(TWINS)), workers=1)
    assert len(results.variants) == 3
    merged = distinct(results)
    assert merged.variants == ["short patience", "as planned = billing as usual"]
    assert merged.manifest["identical"] == [["as planned", "billing as usual"]]
    assert set(merged.runs["variant"]) == set(merged.variants)
    assert distinct(merged) is merged and distinct(merged).variants == merged.variants
    figure = plot_metric(results, "service_level", erlang=False)
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == merged.variants
    note = figure.legends[0].get_title().get_text().replace("\n", " ")
    assert "Drawn once (the same scenario, so the same results): as planned = billing as " \
           "usual." in note
    lines = plot_intervals(results).axes[0].get_lines()
    assert [line.get_label() for line in lines if line.get_marker() == "."] == merged.variants
    one = plot_intervals(results, variants=["billing as usual"])
    assert "as planned = billing as usual: by interval" in one._suptitle.get_text()
    # Different scenarios are never merged.
    three = run_experiment(load_experiment(write_experiment(THREE_WAY)), workers=1)
    assert distinct(three) is three
