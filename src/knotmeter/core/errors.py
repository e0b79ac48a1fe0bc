"""The core's own error: input it cannot coach with. It imports nothing of the app.

The command line turns it into one line and exit status 2 (bad input), like the app's
own ``BadInput``.
"""

from __future__ import annotations


class CoachInputError(ValueError):
    """Targets, a region, a plan or a settings file the coach cannot use; ``str()`` is
    the whole one-line message, naming the file, field or option and what to do."""
