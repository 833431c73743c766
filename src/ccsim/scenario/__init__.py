"""The scenario schema: what a planner writes in a scenario file, validated.

A :class:`Scenario` is immutable once built. It is the only place that checks user input:
the model trusts it. Every error is a :class:`ScenarioError` naming the file, the key path
(``contact_types[general].handle_time.mean``, list entries by name), the bad value and what
was expected. Each concept lives in its own module (``demand``, ``workforce``,
``policies``, ``distributions``), ``checks`` holds one cross-check per concept and
``advice`` one warning per concept; ``keys`` applies dotted-key changes
(:meth:`Scenario.with_changes`, experiment files).
"""

from ccsim.scenario.busyness import Busyness
from ccsim.scenario.demand import Arrivals, ContactType
from ccsim.scenario.distributions import (
    ConstantSpec,
    DistributionSpec,
    EmpiricalSpec,
    ExponentialSpec,
    GammaSpec,
    LogNormalSpec,
    SequenceSpec,
    TriangularSpec,
    UniformSpec,
)
from ccsim.scenario.errors import ScenarioError, key_path, read_toml
from ccsim.scenario.policies import (
    Blending,
    CallbackOverride,
    Callbacks,
    Campaign,
    FollowUps,
    Pressure,
    Quota,
    Recalls,
)
from ccsim.scenario.schema import Scenario, load_scenario
from ccsim.scenario.segments import MaxWait, Segment
from ccsim.scenario.targets import SL_DEFINITIONS, ServiceLevel, Targets
from ccsim.scenario.workforce import MAX_STAFF, AgentGroup

__all__ = [
    "MAX_STAFF",
    "SL_DEFINITIONS",
    "AgentGroup",
    "Arrivals",
    "Blending",
    "Busyness",
    "CallbackOverride",
    "Callbacks",
    "Campaign",
    "ConstantSpec",
    "ContactType",
    "DistributionSpec",
    "EmpiricalSpec",
    "ExponentialSpec",
    "FollowUps",
    "GammaSpec",
    "LogNormalSpec",
    "MaxWait",
    "Pressure",
    "Quota",
    "Recalls",
    "Scenario",
    "ScenarioError",
    "Segment",
    "SequenceSpec",
    "ServiceLevel",
    "Targets",
    "TriangularSpec",
    "UniformSpec",
    "key_path",
    "load_scenario",
    "read_toml",
]
