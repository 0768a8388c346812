"""`python -m kneeguard.jobs.child`: the process the worker starts for one job.

The job comes as JSON on stdin rather than in the arguments: the database URL may hold a
password, which must not show in the process list.
"""
from __future__ import annotations

import json
import sys


def main() -> None:
    order = json.loads(sys.stdin.read())
    # The parent's import path, so job kinds it knows (tests add their own) import here too.
    sys.path[:0] = [p for p in order.get("sys_path", []) if p not in sys.path]
    from kneeguard.jobs.runner import child_main

    child_main(order["url"], order["home"], order["job_id"], order["attempt"], order["handler"], order["parent_pid"])


if __name__ == "__main__":
    main()
