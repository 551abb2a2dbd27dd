"""A throwaway PostgreSQL cluster in a temporary folder, for tests and benchmarks.

Debian's `postgresql` package brings the server programs (not a running service): initdb
makes a cluster in the folder, pg_ctl starts it listening only on a Unix socket there, and
stopping it and removing the folder leaves nothing behind. As root (CI), the programs run
as the package's `postgres` user, since the server refuses to run as root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path


def server_programs() -> Path | None:
    """The folder of the newest installed PostgreSQL server's programs, if any."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name),
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


@dataclass
class Cluster:
    """A running cluster: its folder and socket; `url(database)` names a database in it."""

    folder: Path
    programs: Path
    as_user: list[str]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.folder}&port=5432"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = name or "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            [
                *self.as_user,
                str(self.programs / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster(folder: Path, *, durable: bool = False) -> Cluster:
    """Make and start a cluster in `folder` (new or empty). Not `durable`, it skips fsync:
    tests need no crash safety from a cluster they throw away."""
    programs = server_programs()
    if programs is None:
        raise FileNotFoundError("PostgreSQL server programs (apt-get install postgresql)")
    folder.mkdir(parents=True, exist_ok=True)
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    _run(
        [
            *as_user,
            str(programs / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ]
    )
    options = f"-c listen_addresses='' -c unix_socket_directories='{folder}' -c port=5432"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    _run(
        [
            *as_user,
            str(programs / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-w",
            "-l",
            str(folder / "server.log"),
            "start",
        ]
    )
    return Cluster(folder, programs, as_user)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: {done.stderr or done.stdout}")
