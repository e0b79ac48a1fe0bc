"""The Textual dashboard: tool picker and live screen over a :class:`knotmeter.session.Session`."""

from knotmeter.ui.app import Connect, KnotmeterApp
from knotmeter.ui.display import ForceFormat

__all__ = ["Connect", "ForceFormat", "KnotmeterApp"]
