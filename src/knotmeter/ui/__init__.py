"""The Textual dashboard: tool picker and live screen over a :class:`knotmeter.session.Session`.

Textual paints a changed widget on its next update tick, at most ``TEXTUAL_FPS``
times a second (default 60, so up to 17 ms after the change). An alarm banner must
be on screen within a sample period plus 33 ms, so unless the user chose otherwise
the cap is raised to 120: changes are painted within 8 ms. It is a cap, not a rate:
the live screen still changes at most 30 times a second.
"""

import os

os.environ.setdefault("TEXTUAL_FPS", "120")  # read once, when Textual is first imported

from knotmeter.ui.app import Connect, KnotmeterApp
from knotmeter.ui.display import ForceFormat

__all__ = ["Connect", "ForceFormat", "KnotmeterApp"]
