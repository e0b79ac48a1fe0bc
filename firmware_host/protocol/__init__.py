"""The knotmeter wire protocol: payloads, COBS framing, timelines, text lines.

``device/PROTOCOL.md`` is the spec; this package is its host-side codec.
"""
