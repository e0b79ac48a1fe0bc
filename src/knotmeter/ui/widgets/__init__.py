"""The live screen's parts; each draws from plain values and repaints only on change."""

from knotmeter.ui.widgets.banner import AlarmBanner
from knotmeter.ui.widgets.bigtext import BigText
from knotmeter.ui.widgets.gauge import Gauge, GaugeReading
from knotmeter.ui.widgets.hold import HoldPanel
from knotmeter.ui.widgets.line import TextLine
from knotmeter.ui.widgets.readout import ForceReadout
from knotmeter.ui.widgets.routine import RoutinePanel
from knotmeter.ui.widgets.status import StatusLine, StatusReport
from knotmeter.ui.widgets.trace import TraceView

__all__ = [
    "AlarmBanner",
    "BigText",
    "ForceReadout",
    "Gauge",
    "GaugeReading",
    "HoldPanel",
    "RoutinePanel",
    "StatusLine",
    "StatusReport",
    "TextLine",
    "TraceView",
]
