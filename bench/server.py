"""A real ``diplosearch serve`` (waitress) in a subprocess on a free loopback port.

The load test reads the server's memory and CPU time from ``/proc/<pid>``: VmRSS (what
is resident now), VmHWM (the peak since start, or since ``reset_peak``), RssAnon (the
process's own heap) apart from RssFile (pages of mapped index files, shared with the page
cache), Pss (resident pages, each shared page divided among the processes mapping it, so
that summing over worker processes counts a mapped index page once), and the number of
threads. With ``workers`` > 1 the figures are summed over the parent and its workers.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATUS_KB = {"VmRSS": "rss_mb", "VmHWM": "peak_rss_mb", "RssAnon": "anon_mb", "RssFile": "file_mb"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory(pid: int) -> dict:
    """The ``/proc/<pid>/status`` figures in MB, and ``threads``; {} when unreadable."""
    figures: dict = {}
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return figures
    for line in lines:
        key, _, value = line.partition(":")
        if key in STATUS_KB:
            figures[STATUS_KB[key]] = round(int(value.split()[0]) / 1024, 1)
        elif key == "Threads":
            figures["threads"] = int(value)
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return figures
    for line in rollup:
        if line.startswith("Pss:"):
            figures["pss_mb"] = round(int(line.split()[1]) / 1024, 1)
    return figures


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux ``/proc/<pid>/task/<tid>/children``)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found.update(int(c) for c in (task / "children").read_text().split())
    return sorted(found)


def reset_peak(pid: int) -> bool:
    """Start VmHWM again from the current RSS (Linux ``clear_refs`` 5); False if refused."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process, all its threads together."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


class Server:
    """``with Server(index, threads=8, workers=2) as server:`` -> ``server.url``,
    ``server.pid`` (the parent), ``server.pids()`` (the parent and its workers)."""

    def __init__(
        self, index: Path, threads: int = 8, workers: int = 1, start_timeout: float = 120.0
    ):
        self.index = Path(index)
        self.threads = threads
        self.workers = workers
        self.start_timeout = start_timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = [
            sys.executable,
            "-m",
            "diplosearch",
            "--index",
            str(self.index),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--threads",
            str(threads),
            "--workers",
            str(workers),
        ]
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()  # stderr: a pipe nobody reads could fill up

    @property
    def pid(self) -> int:
        assert self.process is not None, "the server is not started"
        return self.process.pid

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        try:
            self.health = self._wait_until_healthy()
        except BaseException:
            self.__exit__()
            raise
        return self

    def pids(self) -> list[int]:
        """The parent and, with ``workers`` > 1, the workers it runs now."""
        return [self.pid, *children(self.pid)] if self.workers > 1 else [self.pid]

    def worker_pids(self) -> list[int]:
        """The processes that answer requests (the parent only supervises workers)."""
        return self.pids()[1:] if self.workers > 1 else [self.pid]

    def _wait_until_healthy(self) -> dict:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline and len(self.worker_pids()) < self.workers:
            if self.process.poll() is not None:
                raise RuntimeError(f"diplosearch serve exited: {self.errors()}")
            time.sleep(0.1)  # the parent forks its workers after printing its banner
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                    return json.loads(response.read())
            except urllib.error.HTTPError as exc:  # it runs, but cannot serve (no index)
                reason = exc.read().decode(errors="replace")
                raise RuntimeError(f"diplosearch serve answered {exc.code}: {reason}") from None
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"diplosearch serve exited: {self.errors()}") from None
                time.sleep(0.1)
        raise RuntimeError(f"diplosearch serve did not answer in {self.start_timeout:.0f} s")

    def errors(self) -> str:
        """What the server wrote to stderr so far (tracebacks of failed requests)."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace").strip()

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Fleet:
    """``processes`` servers over one index, each of ``workers`` processes (the load test
    runs one server of N workers; several servers side by side compare with that).

    Figures are summed over all processes: RSS, peaks (so the sum of each one's peak),
    anonymous and file-backed memory (pages of the same index files mapped by two
    processes are counted twice, though held once; Pss counts them once), threads and
    CPU time.
    """

    def __init__(self, index: Path, processes: int = 1, threads: int = 8, workers: int = 1):
        self.servers = [Server(index, threads, workers) for _ in range(processes)]
        self.stack = contextlib.ExitStack()

    def __enter__(self) -> Fleet:
        with contextlib.ExitStack() as stack:
            for server in self.servers:
                stack.enter_context(server)
            self.stack = stack.pop_all()
        return self

    def __exit__(self, *exc) -> None:
        self.stack.close()

    @property
    def urls(self) -> list[str]:
        return [server.url for server in self.servers]

    @property
    def articles(self) -> int | None:
        return self.servers[0].health.get("articles")

    def pids(self) -> list[int]:
        return [pid for server in self.servers for pid in server.pids()]

    def memory(self) -> dict:
        total: dict = {}
        for pid in self.pids():
            for key, value in memory(pid).items():
                total[key] = round(total.get(key, 0) + value, 1)
        return total

    def reset_peak(self) -> bool:
        return all([reset_peak(pid) for pid in self.pids()])

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids())

    def errors(self) -> str:
        return "\n".join(filter(None, (server.errors() for server in self.servers)))
