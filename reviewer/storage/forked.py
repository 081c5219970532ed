"""Work for the second core: a forked child of this process does it and hands back bytes.

Checking a long history is Python work under one GIL; a child made by ``fork`` has its own,
and starts with everything the parent has already read (the key, the case, the snapshot)
without copying or sending any of it.

Forking is done only where it is safe:
- a POSIX system (``os.fork`` exists);
- a process with no other thread. A fork copies only the calling thread, so a lock that
  another thread held would stay locked in the child forever (the terminal application
  runs threads: it never forks).

The child inherits the parent's database connections and must not touch them: the work it
runs opens its own (``EventStore.forget_inherited_connections``). It writes nothing but its
result to the pipe and leaves with ``os._exit``, so no atexit handler, buffered output or
finalizer of the parent's objects runs in it. Anything that goes wrong in the child, its
death included, reaches the parent as ``None``: the caller then does the work itself.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
from collections.abc import Callable

_READ_SIZE = 1 << 20


class Forked:
    """A child process doing ``work``; ``result`` waits for its bytes."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid = pid
        self._fd: int | None = fd

    @classmethod
    def start(cls, work: Callable[[], bytes]) -> Forked | None:
        """The child doing ``work``, or None where this process must not fork."""
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return None
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no memory or process left for a child: the caller does the work
            os.close(read_end)
            os.close(write_end)
            return None
        if pid == 0:  # pragma: no cover - the child (its outcome is what the tests check)
            code = 1
            try:
                os.close(read_end)
                gc.disable()  # a collection would walk (and copy) every page of the parent's
                view = memoryview(work())
                while view:
                    view = view[os.write(write_end, view):]
                code = 0
            except BaseException:  # noqa: BLE001, S110 - whatever it is, the parent redoes it
                pass
            finally:
                os._exit(code)
        os.close(write_end)
        return cls(pid, read_end)

    def result(self) -> bytes | None:
        """The child's bytes once it has ended well; None if it failed or was killed."""
        fd = self._fd
        if fd is None:
            return None
        chunks: list[bytes] = []
        try:
            while chunk := os.read(fd, _READ_SIZE):
                chunks.append(chunk)
        except BaseException:
            self.cancel()
            raise
        self._close()
        _, status = os.waitpid(self._pid, 0)
        return b"".join(chunks) if os.waitstatus_to_exitcode(status) == 0 else None

    def cancel(self) -> None:
        """Stop the child and reap it (its work is no longer wanted)."""
        if self._fd is None:
            return
        self._close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._pid, 0)

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
