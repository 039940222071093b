"""Who owns a data directory's embedded servers, and what happens when that owner dies.

The owner (`attune up`, or an eval run on a scratch directory) holds an ``flock`` on
``<data_dir>/attune.lock`` for as long as it lives, with its pid written inside. The kernel
drops the lock when the owner dies, however it dies, so the lock answers the question a pid
file cannot: is anyone *live* using this directory? A second owner that cannot take it is
refused with the holder's pid; one that can take it knows that any Postgres or Redis still
serving the directory is left over from a crash, and stops it (service/lib/embedded.py).

The lock alone would leave the servers of a killed owner running until the next start. So
the owner also starts a watchdog: a small process in its own session that shares the lock
and reads a pipe whose only writer is the owner. End-of-file without a goodbye means the
owner is gone (kill -9, OOM, a crash): the watchdog stops the processes it was told about,
children first and servers last, then exits and so releases the lock. Because it holds the
lock until the servers are down, a new owner waits for it instead of racing it.

Stdlib only: the watchdog must start in well under a second and never import the app.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

LOCK_NAME = "attune.lock"
# How long a new owner waits for the watchdog of a dead one to finish stopping its servers.
CLEANUP_WAIT = 45.0
# Children are stopped first (they flush work to the servers), then the servers.
CHILD, SERVER = 0, 1
_GRACE = {CHILD: 5.0, SERVER: 15.0}


class DataDirInUseError(RuntimeError):
    """Another live process owns the data directory."""

    def __init__(self, data_dir: Path, pid: int | None) -> None:
        self.pid = pid
        holder = f"`attune up` (pid {pid})" if pid else "process"
        super().__init__(
            f"another {holder} is already using {data_dir}; stop it first "
            f"(Ctrl-C in its terminal{f', or kill {pid}' if pid else ''}) or pass another "
            "--data-dir"
        )


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """For ``preexec_fn``: the child gets ``sig`` when its parent dies (Linux; else a no-op).

    The kernel delivers it even when the parent is killed with SIGKILL, which no handler in
    the parent could do."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, sig)  # PR_SET_PDEATHSIG


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/<pid>/stat after the command name (which may hold spaces), or None."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rfind(")") + 2 :].split()


def process_alive(pid: int) -> bool:
    """True for a running process; a zombie (dead, not yet reaped) counts as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    fields = _stat_fields(pid)
    return not (fields and fields[0] in ("Z", "X"))


def process_identity(pid: int) -> str | None:
    """The pid's start time (clock ticks since boot): with the pid, it names one process, so
    a pid reused after a crash is not mistaken for the process we meant. None off Linux."""
    fields = _stat_fields(pid)
    return fields[19] if fields and len(fields) > 19 else None


def process_args(pid: int) -> list[str]:
    """The command line of ``pid`` (empty when unreadable or off Linux)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    # Servers that retitle themselves (redis) write their title with spaces, not NULs.
    return raw.decode(errors="replace").replace("\0", " ").split()


def pids_with_args(predicate: Callable[[list[str]], bool]) -> list[int]:
    """Every process whose argument list satisfies ``predicate`` (Linux /proc scan)."""
    found = []
    with contextlib.suppress(OSError):
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and int(entry.name) != os.getpid():
                args = process_args(int(entry.name))
                if args and predicate(args):
                    found.append(int(entry.name))
    return found


def stop_pids(targets: Mapping[int, int], *, grace: float) -> None:
    """Send each pid its signal (``{pid: signal}``) and wait up to ``grace`` s for all of them;
    then SIGQUIT to a Postgres (asked with SIGINT) that is still up, and SIGKILL to the rest."""
    identities = {pid: process_identity(pid) for pid in targets}

    def alive() -> list[int]:
        return [p for p in targets if process_alive(p) and process_identity(p) == identities[p]]

    def send(signals: dict[int, int], wait: float) -> None:
        for pid, signum in signals.items():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signum)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and alive():
            time.sleep(0.05)

    send({pid: targets[pid] for pid in alive()}, grace)
    if stubborn := [pid for pid in alive() if targets[pid] == signal.SIGINT]:
        _say(f"postgres {stubborn} did not stop in {grace:.0f} s; immediate shutdown")
        send(dict.fromkeys(stubborn, signal.SIGQUIT), 3.0)
    if stubborn := alive():
        _say(f"killing {stubborn}, which did not stop")
        send(dict.fromkeys(stubborn, signal.SIGKILL), 3.0)


def _say(message: str) -> None:
    # stderr may be a closed pipe or terminal by now; nothing to do about that.
    with contextlib.suppress(OSError, ValueError):
        print(f"attune: {message}", file=sys.stderr, flush=True)


@dataclass
class DataDirLock:
    """An exclusive ``flock`` on ``<data_dir>/attune.lock``, held from ``acquire`` to ``release``."""

    data_dir: Path
    fd: int | None = field(default=None, repr=False)

    @property
    def path(self) -> Path:
        return self.data_dir / LOCK_NAME

    def acquire(self, *, wait: float = CLEANUP_WAIT) -> None:
        """Take the lock or raise DataDirInUseError naming the live holder.

        A holder whose recorded pid is dead is the watchdog of a killed owner, still stopping
        its servers: wait up to ``wait`` s for it rather than report a dead process."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _read_pid(fd)
                live = holder is not None and process_alive(holder)
                if live or time.monotonic() > deadline:
                    os.close(fd)
                    raise DataDirInUseError(self.data_dir, holder) from None
                if not told and holder is not None:
                    _say(f"waiting for the servers of the stopped pid {holder} to shut down")
                    told = True
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd

    def release(self) -> None:
        fd, self.fd = self.fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # no owner: nobody should be named in a message any more
        os.close(fd)  # the watchdog's copy is gone by now, so this frees the lock


def _read_pid(fd: int) -> int | None:
    try:
        return int(os.pread(fd, 32, 0).split()[0])
    except (OSError, ValueError, IndexError):
        return None


@dataclass
class Watchdog:
    """The owner's side of the watchdog: tell it what to stop, say goodbye on a clean exit."""

    _proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @classmethod
    def start(cls, lock: DataDirLock) -> Watchdog:
        assert lock.fd is not None, "the watchdog shares a held lock"
        proc = subprocess.Popen(
            [sys.executable, "-m", "service.lib.ownership", str(lock.data_dir)],
            stdin=subprocess.PIPE,
            pass_fds=(lock.fd,),  # it keeps the lock until the servers it stops are down
            start_new_session=True,  # a Ctrl-C or hangup meant for the owner must not stop it
        )
        return cls(proc)

    def watch(self, pid: int, *, signum: int, tier: int) -> None:
        """If the owner dies, send ``signum`` to ``pid`` (CHILD tier first, then SERVER)."""
        self._send(f"watch {tier} {pid} {signum}\n")

    def close(self) -> None:
        """The owner stopped everything itself: the watchdog exits without stopping anything."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        self._send("done\n", proc)
        with contextlib.suppress(OSError):
            assert proc.stdin is not None
            proc.stdin.close()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def _send(self, line: str, proc: subprocess.Popen[bytes] | None = None) -> None:
        proc = proc or self._proc
        if proc is None or proc.stdin is None:
            return
        try:
            proc.stdin.write(line.encode())
            proc.stdin.flush()
        except OSError:  # it died: the lock still guards the directory; only cleanup is lost
            _say("the watchdog is gone; a crash now would leave servers to the next start")


def _watch(data_dir: str, commands: IO[str]) -> None:
    """The watchdog process: remember what to stop until the owner says goodbye or dies."""
    watched: dict[int, list[tuple[int, int, str | None]]] = {CHILD: [], SERVER: []}
    for line in commands:
        words = line.split()
        if words == ["done"]:
            return
        if len(words) == 4 and words[0] == "watch":
            tier, pid, signum = (int(w) for w in words[1:])
            watched[tier].append((pid, signum, process_identity(pid)))
    # End of file without "done": the owner died without stopping what it started.
    _say(f"attune up on {data_dir} is gone; stopping what it left running")
    for tier in (CHILD, SERVER):
        targets = {
            pid: signum
            for pid, signum, identity in watched[tier]
            if process_alive(pid) and process_identity(pid) == identity
        }
        stop_pids(targets, grace=_GRACE[tier])
    _say("stopped")


if __name__ == "__main__":
    # Only the owner's death or goodbye ends the watch; terminal signals are the owner's.
    for _sig in (signal.SIGINT, signal.SIGHUP):
        signal.signal(_sig, signal.SIG_IGN)
    _watch(sys.argv[1], sys.stdin)
