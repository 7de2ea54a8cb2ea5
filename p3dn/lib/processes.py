"""Which process is this, and is a process recorded earlier still alive?

A record names a process by its host name, its id and a key: on Linux the boot id, the pid
namespace and the process's start time, so that a pid reused after the process died (or after
a reboot, or in another container with the same host name) is not taken for it. Whether a
process of another machine is alive cannot be told from here: ``alive`` then answers None.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class ProcessId:
    host: str
    pid: int
    key: str  # "<boot id>/<pid namespace>/<start time>" on Linux, "" elsewhere

    @property
    def machine(self) -> str:
        """The key without the start time: the same for every process this one can see."""
        return self.key.rpartition("/")[0]


def _read(path: Path) -> str:
    return path.read_text(encoding="ascii", errors="replace").strip()


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks after boot ('' when there is no such process
    or no /proc)."""
    try:
        stat = _read(PROC / str(pid) / "stat")
    except OSError:
        return ""
    # the command name (field 2) is in parentheses and may hold spaces: count after it
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


def _machine() -> str:
    try:
        boot = _read(PROC / "sys" / "kernel" / "random" / "boot_id")
        namespace = os.stat(PROC / "self" / "ns" / "pid").st_ino
    except OSError:
        return ""
    return f"{boot}/{namespace}"


def this_process() -> ProcessId:
    pid = os.getpid()
    machine, start = _machine(), _start_time(pid)
    return ProcessId(socket.gethostname(), pid, f"{machine}/{start}" if machine and start else "")


def alive(process: ProcessId) -> bool | None:
    """True or False for a process of this machine; None when it cannot be told (another
    host, another container, no pid recorded)."""
    here = this_process()
    if not process.pid or process.host != here.host or process.machine != here.machine:
        return None
    if process.key:
        return _start_time(process.pid) == process.key.rpartition("/")[2]
    try:  # no /proc: the pid alone
        os.kill(process.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True
