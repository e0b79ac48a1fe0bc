"""The pure coaching core: force samples in, zones, holds and alarms out.

No I/O (except reading the packaged regions and plans files), no clock reads, no UI or link
code: time comes from the samples, so the same code runs live, on a recording and
in tests.
"""

from knotmeter.core.alarms import HARD_ALARMS
from knotmeter.core.calibration import Calibration
from knotmeter.core.config import PipelineConfig
from knotmeter.core.events import (
    AlarmCleared,
    AlarmKind,
    AlarmRaised,
    Event,
    HoldCompleted,
    HoldEnded,
    HoldStarted,
    Zone,
    ZoneChanged,
)
from knotmeter.core.pipeline import Pipeline
from knotmeter.core.regions import Region, UnknownRegion, get_region, load_regions
from knotmeter.core.samples import SampleBatch
from knotmeter.core.state import CoachState, HoldState
from knotmeter.core.units import Unit, convert, to_newtons

__all__ = [
    "HARD_ALARMS",
    "AlarmCleared",
    "AlarmKind",
    "AlarmRaised",
    "Calibration",
    "CoachState",
    "Event",
    "HoldCompleted",
    "HoldEnded",
    "HoldStarted",
    "HoldState",
    "Pipeline",
    "PipelineConfig",
    "Region",
    "SampleBatch",
    "Unit",
    "UnknownRegion",
    "Zone",
    "ZoneChanged",
    "convert",
    "get_region",
    "load_regions",
    "to_newtons",
]
