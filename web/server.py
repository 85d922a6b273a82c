"""``diplosearch serve``: waitress in one process, or in N worker processes on one socket.

One process runs Python on one core at a time (the GIL), however many threads waitress
has. With ``workers`` > 1 the parent binds the listening socket once, then forks that many
children; each builds its own Flask app and Engine after the fork (so no searcher, lock or
thread crosses a fork) and runs waitress on the inherited socket; the kernel hands each new
connection to one of them. The index's files are memory-mapped by every worker, so their
pages are held once, in the page cache.

The parent only supervises: a worker that dies is started again (after a pause that doubles
while workers keep dying young, so a crash loop does not spin); SIGTERM or SIGINT (Ctrl-C)
to the parent stops every worker and the parent exits 0. A worker also gets SIGTERM when
the parent dies, however it dies (Linux ``PR_SET_PDEATHSIG``), so none is left behind.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import sys
import time
from collections.abc import Callable

IDENT = "diplosearch"
STOP_SECONDS = 10.0  # how long stopping workers may take before they are killed
YOUNG_SECONDS = 10.0  # a worker that dies younger than this makes the next start wait
MAX_PAUSE = 30.0  # the longest wait before starting a worker again
POLL_SECONDS = 0.1


def max_workers() -> int:
    """The most workers allowed: two per core (more only adds memory and switching)."""
    return 2 * (os.cpu_count() or 1)


def usage_problem(workers: int, threads: int) -> str | None:
    """Why ``--workers`` or ``--threads`` is not allowed, or None when both are."""
    if not 1 <= workers <= max_workers():
        return f"--workers must be between 1 and {max_workers()} (2 per core), not {workers}"
    if threads < 1:
        return f"--threads must be at least 1, not {threads}"
    return None


def bind(host: str, port: int) -> list[socket.socket]:
    """Listening sockets for every address of ``host`` (``localhost``: IPv4 and IPv6)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in dict.fromkeys(found):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(1024)
            port = port or sock.getsockname()[1]  # port 0: the others take the same one
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def run_waitress(make_app: Callable, sockets: list[socket.socket], threads: int) -> None:
    """Build the app and serve on ``sockets`` until SIGINT (or SIGTERM in a worker)."""
    import waitress

    waitress.serve(make_app(), sockets=sockets, threads=threads, ident=IDENT)


def serve(
    make_app: Callable,
    sockets: list[socket.socket],
    threads: int = 8,
    workers: int = 1,
) -> int:
    """Serve ``make_app()`` on the bound ``sockets``; one process when ``workers`` is 1."""
    if workers == 1:
        run_waitress(make_app, sockets, threads)
        return 0
    return Supervisor(lambda: run_waitress(make_app, sockets, threads), workers).run()


class Supervisor:
    """Keeps ``workers`` forked children running ``work()`` until told to stop."""

    def __init__(self, work: Callable[[], None], workers: int):
        self.work = work
        self.workers = workers
        self.children: dict[int, float] = {}  # pid -> monotonic start time
        self.pause = 0.0  # before the next start; grows while workers die young
        self.next_start = 0.0
        self.stopping = False

    def run(self) -> int:
        previous = {s: signal.signal(s, self._stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            while not self.stopping:
                self._reap()
                self._start_missing()
                time.sleep(POLL_SECONDS)
        finally:
            self._stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return 0

    def _stop(self, signum, frame) -> None:
        self.stopping = True

    def _start_missing(self) -> None:
        while len(self.children) < self.workers and time.monotonic() >= self.next_start:
            if self.stopping:
                return
            self.children[self._fork()] = time.monotonic()

    def _fork(self) -> int:
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            _worker(self.work, parent)  # never returns
        return pid

    def _reap(self) -> None:
        while self.children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return
            started = self.children.pop(pid, None)
            if started is None or self.stopping:
                continue
            young = time.monotonic() - started < YOUNG_SECONDS
            self.pause = min(max(self.pause * 2, 0.5), MAX_PAUSE) if young else 0.0
            self.next_start = time.monotonic() + self.pause
            print(
                f"diplosearch: worker {pid} {_how(status)}; starting another in {self.pause:.1f} s",
                file=sys.stderr,
                flush=True,
            )

    def _stop_all(self) -> None:
        """SIGTERM every worker, wait up to STOP_SECONDS, then SIGKILL the rest."""
        self.stopping = True
        for pid in self.children:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        while self.children and time.monotonic() < deadline:
            self._reap()
            time.sleep(POLL_SECONDS / 2)
        for pid in list(self.children):
            _signal(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            self.children.pop(pid)


def _worker(work: Callable[[], None], parent: int) -> None:
    """In a forked child: run ``work`` and leave with os._exit (never the parent's code)."""
    code = 1
    try:
        signal.signal(signal.SIGTERM, _raise_exit)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _die_with_parent(parent)
        work()
        code = 0
    except (KeyboardInterrupt, SystemExit):
        code = 0
    except BaseException as exc:  # one line, not a traceback; the parent starts another
        print(f"diplosearch: worker {os.getpid()} failed: {exc!r}", file=sys.stderr)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _raise_exit(signum, frame) -> None:
    raise SystemExit(0)  # waitress's loop ends on it and stops its threads


def _die_with_parent(parent: int) -> None:
    """Ask Linux for SIGTERM when the parent dies; exit now if it already has."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        raise SystemExit(0)


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"was killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exited with status {os.waitstatus_to_exitcode(status)}"
