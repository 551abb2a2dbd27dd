"""Names of the workers that share a store, and whether one of them is gone.

A worker is named `host:pid:random` (the random part because a pid is used again after a
restart). Its leases expire unless it renews them; a worker on the same machine whose
process has ended need not be waited for, so its leases are free at once.
"""

from __future__ import annotations

import os
import secrets
import socket


def worker_id() -> str:
    """A new name for this process among the workers that share a store."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def is_gone(holder: str) -> bool:
    """Whether a worker is known to have ended: it ran on this machine and its process is
    no more. Another machine's worker is never known to be gone (its leases expire)."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, as another user
        return False
    return False
