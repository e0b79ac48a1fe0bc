"""SIGKILL a child process that writes to a store, mid-stream, for the crash tests.

The child prints ``session ID`` once, then a running sample count each time a
batch is through; the parent kills it while it is still writing flat out.
"""

from __future__ import annotations

import signal
import subprocess
import sys


def kill_mid_stream(args: list[str], *, acks_before_kill: int) -> tuple[int, int]:
    """Run ``python *args``, SIGKILL it after ``acks_before_kill`` counts.

    Returns the child's session id and the highest count it acknowledged, counting
    lines that were whole when the signal landed.
    """
    child = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    try:
        session_id = int(child.stdout.readline().split()[1])
        acks = [child.stdout.readline() for _ in range(acks_before_kill)]
        child.send_signal(signal.SIGKILL)  # the child is still writing flat out
        acks += child.stdout.readlines()
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    return session_id, max(int(line) for line in acks if line.endswith("\n"))
