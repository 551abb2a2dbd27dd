#!/usr/bin/env python3
"""Herald's background service: the scheduler and the server together (what `make run` runs).

Takes the options of `herald schedule`, e.g. `--config PATH` and `--port N`.
"""

import sys

from herald.cli import cli

if __name__ == "__main__":
    cli.main(["schedule", "--serve", *sys.argv[1:]], prog_name="run_scheduler.py")
