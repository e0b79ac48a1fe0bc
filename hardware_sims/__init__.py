"""Simulated hardware that speaks the tool's exact bytes over real channels."""
