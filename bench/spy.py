"""Where the server's time goes under load: py-spy attached to the running process.

``record`` samples the threads that hold the GIL (waitress workers share one interpreter,
so that is where CPU time is spent in Python) and writes py-spy's collapsed stacks;
``summary`` turns them into the functions with the largest share of samples, inclusive
(the function and what it calls) and self (the function's own lines).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

RATE = 200  # samples per second
# frames on every worker's stack (thread start, waitress's dispatch, the CLI's serve): left
# out of the inclusive list, where they would crowd out the frames that tell something
PLUMBING = ("threading.py", "<frozen", "waitress/", "diplosearch/", "werkzeug/", "flask/")


def py_spy() -> str | None:
    """The py-spy executable beside this Python (the ``bench`` extra), else on PATH."""
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


def record(pid: int, seconds: float, out: Path) -> subprocess.Popen:
    """Start sampling ``pid`` for ``seconds``; the caller waits for the returned process."""
    executable = py_spy()
    if executable is None:
        raise RuntimeError('py-spy is missing: pip install -e ".[bench]"')
    command = [executable, "record", "--pid", str(pid), "--duration", str(max(1, int(seconds)))]
    command += ["--rate", str(RATE), "--gil", "--format", "raw", "--output", str(out)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _frame_name(frame: str) -> str:
    """``render (web/app.py:12)`` -> ``render (web/app.py)``: one row per function."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.rsplit(':', 1)[0]})" if where else name


def summary(raw: Path, top: int = 25) -> dict:
    """Total samples, the ``top`` functions by inclusive share (leaving out ``PLUMBING``)
    and by self share (all), in percent of the samples."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [_frame_name(f) for f in stack.split(";")]  # root first
        total += int(count)
        for name in set(frames):
            if not any(part in name for part in PLUMBING):
                inclusive[name] += int(count)
        if frames:
            own[frames[-1]] += int(count)

    def share(counter: Counter[str]) -> list[list]:
        return [[name, round(100 * n / total, 1)] for name, n in counter.most_common(top)]

    return {"samples": total, "inclusive_percent": share(inclusive), "self_percent": share(own)}
