"""What the chart tests share: a sweep over three factors of the tiny scenario (its
second factor gives lines, its third panels)."""

THREE_WAY = """
scenario = "tiny.toml"
replications = 2
[vary]
"agent_groups.generalists.staff" = [2, 4, 6]
"contact_types.billing.patience.mean" = ["2min", "5min"]
"agent_groups.*.staff" = { scale = [0.5, 1.5] }
"""
