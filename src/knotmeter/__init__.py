"""knotmeter: live pressure coaching for an instrumented trigger-point massage tool."""

__version__ = "0.1.0"
