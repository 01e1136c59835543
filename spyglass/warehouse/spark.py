"""What dbt-spark's ``session`` method (pyspark in this process) lacks, declared by the SPARK dialect.

* DB-API type objects (``NUMBER``, ``STRING``, ``DATETIME``; ``Dialect.dbapi_module``): the session
  cursor describes columns by Spark's type names (``bigint``, ``decimal(10,2)``, ``string`` ...).
* :class:`SparkJobs` (``Dialect.job_control``): the session cursor's ``cancel`` does nothing, so each
  query runs in a Spark job group of its own, and a cancel cancels that group (its tasks are
  interrupted and the waiting ``collect`` fails at once).

pyspark is imported only when a query runs: it is an optional dependency (``spyglass[spark]``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class _SparkType:
    """A DB-API type object: equal to every Spark type name of one family (``decimal(10,2)`` too)."""

    def __init__(self, *names: str) -> None:
        self.names = frozenset(names)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and other.split("(", 1)[0].strip().lower() in self.names

    def __hash__(self) -> int:
        return hash(self.names)


NUMBER = _SparkType("tinyint", "smallint", "int", "bigint", "float", "double", "decimal")
STRING = _SparkType("string", "varchar", "char")
DATETIME = _SparkType("date", "timestamp", "timestamp_ntz", "timestamp_ltz")


def session_parameters(home: Path, *, cores: str = "*") -> dict[str, str]:
    """``server_side_parameters`` of a local Spark session whose files all stay under ``home``.

    The table files (``spark.sql.warehouse.dir``) and the Derby metastore with its ``derby.log``
    (``derby.system.home``) go to ``home``, never to the current directory; no web UI port is opened,
    small data is not split into 200 shuffle partitions, and Spark logs errors only. The values take
    effect when the session starts: a process has one Spark session, started by the first query.
    """
    home = home.expanduser().resolve()
    return {
        "spark.master": f"local[{cores}]",
        "spark.sql.warehouse.dir": str(home / "spark-warehouse"),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={home / 'metastore'}",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",  # no progress bars over Spyglass's own output
        "spark.sql.shuffle.partitions": "4",
        "spark.sql.session.timeZone": "UTC",
        # dbt-spark restarts the builder for every statement, and Spark warns each time that the session
        # exists already: errors only (Spyglass reports a failing query itself)
        "spark.log.level": "ERROR",
    }


def session_defaults(target: dict[str, Any], project_dir: Path) -> dict[str, Any]:
    """``target`` (a rendered profile output) with a local session's files in ``project_dir`` unless set.

    dbt-spark's ``session`` method otherwise puts ``spark-warehouse/``, ``metastore_db/`` and
    ``derby.log`` in the current directory: where ``dbt`` ran (usually the project) for the tables dbt
    built, but wherever Spyglass was started for Spyglass. Other methods (thrift, http, odbc) are untouched.
    """
    if target.get("method") != "session":
        return target
    parameters = {str(k): str(v) for k, v in (target.get("server_side_parameters") or {}).items()}
    home = project_dir.expanduser().resolve()
    parameters.setdefault("spark.sql.warehouse.dir", str(home / "spark-warehouse"))
    java_options = parameters.get("spark.driver.extraJavaOptions", "")
    if "-Dderby.system.home=" not in java_options:
        parameters["spark.driver.extraJavaOptions"] = f"{java_options} -Dderby.system.home={home}".strip()
    return {**target, "server_side_parameters": parameters}


def _context() -> Any:
    """The SparkContext of this process, or None: not started yet, or not in process at all (a thrift,
    http or odbc target, where pyspark may not even be installed) (Any: pyspark is optional)."""
    try:
        from pyspark import SparkContext
    except ImportError:
        return None
    return SparkContext._active_spark_context


class SparkJobs:
    """Job groups as cancel handles (Spark pins each Python thread to one JVM thread)."""

    @staticmethod
    def start(tag: str) -> None:
        """Run what this thread starts next in job group ``tag`` (no-op before Spark is running)."""
        context = _context()
        if context is not None:
            context.setJobGroup(tag, "spyglass query", interruptOnCancel=True)

    @staticmethod
    def cancel(tag: str) -> bool:
        """Cancel every job of group ``tag``; False without Spark in process (the adapter cancels)."""
        context = _context()
        if context is None:
            return False
        context.cancelJobGroup(tag)
        return True
