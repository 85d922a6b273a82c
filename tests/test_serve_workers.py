"""`diplosearch serve --workers N`: real processes on one real socket, supervised.

Which worker answered is read from the outside, as an operator would: the parent's
children in /proc and the CPU time each of them spent while the clients ran.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.processes import alive

pytestmark = pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="needs Linux /proc/<pid>/task/<tid>/children",
)
QUERIES = ["oil", "police", "drug trafficking", "minister", "cooperation", ""]


def children(pid: int) -> set[int]:
    """Live (not zombie) children of ``pid``."""
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            continue
    return {c for c in found if alive(c)}


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


class Serve:
    """``diplosearch serve --port 0 --workers N`` in a subprocess; ``url`` from its banner."""

    def __init__(self, index: Path, workers: int):
        self.err = tempfile.TemporaryFile()
        command = [sys.executable, "-m", "diplosearch", "--index", str(index), "serve"]
        command += ["--port", "0", "--threads", "2", "--workers", str(workers)]
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=self.err, text=True
        )
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        self.banner = self.process.stdout.readline() if ready else ""
        found = re.search(r"http://127\.0\.0\.1:\d+", self.banner)
        assert found, f"no banner: {self.banner!r} {self.errors()}"
        self.url = found.group(0)

    def errors(self) -> str:
        self.err.seek(0)
        return self.err.read().decode(errors="replace")

    def search(self, q: str) -> dict:
        query = urllib.parse.urlencode({"q": q})
        with urllib.request.urlopen(f"{self.url}/api/search?{query}", timeout=10) as response:
            assert response.status == 200
            return json.loads(response.read())

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture()
def serve(seed_index: Path):
    started: list[Serve] = []

    def start(workers: int) -> Serve:
        started.append(Serve(seed_index, workers))
        return started[-1]

    yield start
    for server in started:
        server.close()


def load(server: Serve, requests: int, clients: int = 4) -> list[dict]:
    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(server.search, (QUERIES[i % len(QUERIES)] for i in range(requests))))


def test_two_workers_answer_a_killed_one_is_replaced_sigterm_stops_all(serve):
    server = serve(2)
    parent = server.process.pid
    assert "2 worker processes" in server.banner
    assert wait_for(lambda: len(children(parent)) == 2), children(parent)
    workers = children(parent)
    before = {pid: cpu_ticks(pid) for pid in workers}
    answers = load(server, 300)
    assert all(a["total"] >= 0 and "hits" in a for a in answers)
    assert any(a["total"] > 0 for a in answers)
    spent = {pid: cpu_ticks(pid) - before[pid] for pid in workers}
    assert min(spent.values()) > sum(spent.values()) / 10, f"CPU ticks per worker: {spent}"

    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    assert wait_for(lambda: len(children(parent)) == 2 and victim not in children(parent))
    assert len(load(server, 20)) == 20
    assert f"worker {victim} was killed by SIGKILL" in server.errors()

    workers = children(parent)
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=15) == 0
    assert not any(alive(pid) for pid in workers)
    assert "Traceback" not in server.errors()


def test_workers_do_not_outlive_a_killed_parent(serve):
    server = serve(2)
    parent = server.process.pid
    assert wait_for(lambda: len(children(parent)) == 2)
    workers = children(parent)
    server.process.kill()
    server.process.wait()
    assert wait_for(lambda: not any(alive(pid) for pid in workers)), workers


def test_one_worker_is_one_process_that_serves(serve):
    server = serve(1)
    assert "1 process" in server.banner
    assert len(load(server, 8, clients=2)) == 8
    assert children(server.process.pid) == set()


@pytest.mark.parametrize("option", [["--workers", "0"], ["--workers", "999"], ["--threads", "0"]])
def test_bad_counts_are_usage_errors(cli, seed_index: Path, option: list[str]):
    result = cli("--index", seed_index, "serve", "--port", "0", *option)
    assert result.code == 2
    assert option[0] in result.err and "Traceback" not in result.err


def test_a_port_in_use_is_a_clear_error(cli, seed_index: Path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("--index", seed_index, "serve", "--port", port, "--workers", "2")
    assert result.code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.err


def test_a_crash_loop_backs_off_instead_of_spinning():
    crashing = (
        "import sys\n"
        "from web.server import Supervisor\n"
        "def work(): raise RuntimeError('boom')\n"
        "sys.exit(Supervisor(work, 1).run())\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", crashing], cwd=ROOT, stderr=subprocess.PIPE, text=True
    )
    time.sleep(2.5)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=10)
    assert process.returncode == 0
    pauses = [float(p) for p in re.findall(r"starting another in ([\d.]+) s", err)]
    assert pauses[:3] == [0.5, 1.0, 2.0], err  # about 3 starts in 2.5 s, not hundreds
    assert len(pauses) <= 4 and "RuntimeError('boom')" in err and "Traceback" not in err
