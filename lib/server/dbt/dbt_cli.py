"""
dbt's command line (`dbt build ...`), run so that it ends with the process that started it.

A `sbdk run` killed with SIGKILL cannot stop its dbt, and a dbt left running goes on writing
the warehouse, holding the DuckDB file the next run needs. So dbt runs under this launcher,
which ties it to its parent the way the dbt worker does (worker.end_with_parent), then hands
over to dbt's own entry point with the same arguments.

usage: python dbt_cli.py <dbt arguments>
"""

import sys

from worker import end_with_parent

if __name__ == "__main__":
    end_with_parent()
    from dbt.cli.main import cli

    sys.argv[0] = "dbt"
    sys.exit(cli())
