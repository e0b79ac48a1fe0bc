"""The alarms' rules, one small class per rule (the pressing-time cap is ``core/pressing.py``).

Each guard keeps ``active`` and its ``update(...)`` returns the new state when it
changes (``True`` raised, ``False`` cleared) and ``None`` otherwise, so the pipeline
emits an event only on a change. Severity, banner and cue of each kind are in
``core/alarms.py``.

| module | kind | rule |
| --- | --- | --- |
| ``ceiling.py`` | ``over_ceiling`` | spike-rejected force ≥ ceiling |
| ``full_scale.py`` | ``saturation`` | the tool at ≥ 98 % of its range, or the ADC flags it |
| ``bad_zero.py`` | ``bad_zero`` | a reading below minus the tare window for over 2 s |
| ``over_band.py`` | ``over_band`` | over the band for over 0.5 s |
| ``ramp.py`` | ``fast_ramp`` | rising faster than the point's ramp limit |
| ``sawing.py`` | ``sawing`` | grinding back and forth during a hold |
| ``signal.py`` | ``signal_lost`` | silence past max(0.5 s, 1.5 frames), a gap, a dropped link |
"""
