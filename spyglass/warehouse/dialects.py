"""SQL quirks of each engine, declared as data (in the spirit of sqlglot's dialect classes).

Code that builds SQL asks the :class:`Dialect` of the warehouse it runs on; nothing branches on the
adapter's class. Add an engine by declaring its :class:`Dialect` and listing it in
:data:`spyglass.warehouse.dialect_table.DIALECTS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class ErrorKind(str, Enum):
    """What a driver exception means, declared per dialect by exception type (never by message)."""

    RELATION_MISSING = "relation_missing"
    PERMISSION_DENIED = "permission_denied"
    #: the engine refused to read a file or reach the network (a sandbox, or a role without file privileges)
    EXTERNAL_ACCESS = "external_access"
    SYNTAX = "syntax"
    CANCELLED = "cancelled"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Dialect:
    #: dbt adapter type (``duckdb``, ``postgres`` ...)
    name: str
    #: sqlglot dialect name used to generate SQL trees
    sqlglot: str
    #: ``{expr}`` template for an exact median, or None when the engine has none
    median: str | None
    #: ``{expr}`` template for an approximate median
    approx_median: str | None
    #: ``{expr}`` template for an approximate distinct count
    approx_distinct: str | None
    #: True when one batched exact ``count(distinct ..)`` query over many columns beats one query per
    #: column (measured: DuckDB no, 11.0 s batched vs 8.55 s per column on 10M rows; Postgres yes)
    batch_exact_distinct: bool
    #: type name to cast any value to text
    text_type: str
    #: ``{expr}`` template for a fast 64-bit row hash usable in joins, or None to compare columns
    row_hash: str | None
    #: the engine accepts ``IS NOT DISTINCT FROM``
    null_safe_equals: bool = True
    #: ``{unit}``/``{expr}`` template for truncating a date or timestamp
    date_trunc: str = "date_trunc('{unit}', {expr})"
    #: driver exception types (``"module:QualName"``) and what they mean; the first match in the
    #: exception chain wins, so list subclasses before their parents
    error_types: tuple[tuple[str, ErrorKind], ...] = ()
    #: DB-API module of the driver (for its ``NUMBER``/``STRING``/``DATETIME`` type objects)
    dbapi_module: str | None = None
    #: class attributes of the adapter's connection manager that hold process-wide state (reset to
    #: None on a per-warehouse subclass so two warehouses in one process do not share it)
    isolated_class_state: tuple[str, ...] = ()
    #: statements that sandbox a database handle (no files, no network), run on every new handle of a
    #: sandboxed warehouse until :attr:`sandbox_check` says the sandbox is in force
    sandbox_statements: tuple[str, ...] = field(default=())
    #: a query whose single value is true when the handle it runs on is sandboxed (None: trust the
    #: statements); the sandbox of some engines is per database, not per handle, and a reopened
    #: database (dbt-duckdb ``keep_open: false``) comes back without it
    sandbox_check: str | None = None
    #: statements run once on every new connection, whatever it is used for; a failing one is ignored
    #: (an older server without the setting)
    session_statements: tuple[str, ...] = ()
    #: statements that make what follows on the same handle one read-only transaction (run before a
    #: statement holding user SQL); empty when the engine has no read-only transactions
    read_only_begin: tuple[str, ...] = ()
    #: the statement that ends that transaction (rolled back: nothing it did may stay), or None to use
    #: the driver's ``rollback()`` (drivers that open transactions implicitly)
    read_only_end: str | None = None
    #: ``fnmatch`` patterns (lower case) of functions a user query may not call: they read or write
    #: files, reach the network or another database, run SQL text, or change server state
    denied_functions: tuple[str, ...] = ()
    #: those of :attr:`denied_functions` that read files or URLs or reach the network or another database
    #: (their refusal says so); the others run SQL text or change server state
    external_functions: tuple[str, ...] = ()
    #: regular expressions over the driver's message telling a refused file or network access from a
    #: relation the user may not read, for engines that report both with one exception type and SQLSTATE
    #: (PostgreSQL's 42501 ``insufficient_privilege``)
    external_access_errors: tuple[str, ...] = ()
    #: a regular expression over a table reference's dotted name (``schema.table``) that the engine
    #: would read as a file or URL (DuckDB replacement scans: ``FROM 'x.csv'``, ``FROM data.parquet``)
    file_reference: str | None = None
    #: the driver opens a transaction implicitly (DB-API default): every read is committed (or rolled
    #: back on error) so no snapshot or lock outlives it; False for autocommit drivers (DuckDB)
    transactional_reads: bool = True
    #: type that integers of different widths (int vs bigint) are cast to before comparing
    integer_type: str = "bigint"
    #: type that mixed numerics (int vs decimal vs double) are cast to before comparing or tolerances
    float_type: str = "double precision"
    #: value diff in two steps (join keys + ``row_hash``, then compare columns on changed keys only)
    #: instead of one join comparing every column; chosen by measurement (bench_value_diff)
    value_diff_two_step: bool = False
    #: the engine groups by ``GROUPING SETS`` and has ``GROUPING()``: the value diff's segments are grouped
    #: in one pass instead of one ``UNION ALL`` branch per column
    grouping_sets: bool = False
    #: the engine accepts ``WITH x AS MATERIALIZED (...)``: computed once however often it is read
    materialized_cte: bool = False
    #: ``{expr}`` template hashing a text value to a 64-bit integer, identical for the same text in any
    #: relation (sampling keeps the keys whose hash modulo N falls under the fraction, on both sides
    #: alike); None: the engine cannot sample
    sample_hash: str | None = None
    #: SQLSTATE prefixes (from the exception's ``getSqlState()``) and what they mean, checked before
    #: ``error_types``: engines whose one exception type covers many errors (Spark's AnalysisException)
    error_states: tuple[tuple[str, ErrorKind], ...] = ()
    #: ``"module:QualName"`` of the engine's job control (``start(tag)`` on the thread about to run a
    #: query, ``cancel(tag)`` from another thread, False when it cannot: the adapter's own ``cancel`` then
    #: runs), for drivers whose cancel does nothing (dbt-spark's session); None: the adapter's ``cancel``
    job_control: str | None = None
    #: ``"module:function"`` completing a rendered profile target before the adapter reads it:
    #: ``(target: dict, project_dir: Path) -> dict`` (a local Spark session keeps its files in the dbt
    #: project, where ``dbt`` run from the project puts them, not in whatever directory Spyglass runs in)
    profile_defaults: str | None = None
    #: the engine lists a relation's columns in ``information_schema.columns`` (read when the catalog
    #: lacks the table); False: the columns come from a query returning no row instead (Spark)
    information_schema: bool = True


#: DuckDB functions that read files or URLs, or reach the network or other databases
_DUCKDB_EXTERNAL = (
    "read_*", "glob", "sniff_csv", "parquet_*", "*_scan", "*_attach", "sqlite_*", "postgres_*", "mysql_*",
    "iceberg_*", "delta_*", "ducklake_*", "st_read*", "http_*",
)

#: DuckDB functions that read files or URLs, reach other databases, run SQL text, show settings or
#: secrets (profile ``settings`` may hold S3 keys), or change state
_DUCKDB_DENIED = (
    *_DUCKDB_EXTERNAL, "*_query", "*_execute", "query", "query_table",
    "json_execute_serialized_sql", "getenv", "current_setting", "duckdb_settings", "duckdb_secrets",
    "which_secret", "load_aws_credentials", "checkpoint", "force_checkpoint", "nextval", "setval",
)

#: PostgreSQL functions that read or write server files or reach other servers
_POSTGRES_EXTERNAL = (
    "pg_read_*", "pg_ls_*", "pg_stat_file", "pg_file_*", "pg_logdir_ls", "lo_*", "dblink*", "postgres_fdw_*",
)

#: PostgreSQL functions that read server files, reach other servers, run SQL text, take locks, or change
#: server or session state (``pg_sleep`` is fine: a cancel or timeout stops it)
_POSTGRES_DENIED = (
    *_POSTGRES_EXTERNAL, "query_to_xml*", "cursor_to_xml*", "pg_terminate_backend", "pg_cancel_backend",
    "pg_reload_conf", "pg_rotate_logfile*", "pg_promote", "pg_switch_wal", "pg_create_restore_point", "pg_*backup*",
    "pg_stat_reset*", "pg_*replication*", "pg_*_slot", "pg_logical_*", "pg_*advisory*", "pg_notify",
    "set_config", "nextval", "setval", "pg_import_system_collations", "pg_wal_replay_*",
    "pg_log_backend_memory_contexts",
)

DUCKDB = Dialect(
    name="duckdb",
    sqlglot="duckdb",
    median="median({expr})",
    # a reservoir sample: bounded memory, and measured fastest (1M rows x 15 numeric columns batched:
    # reservoir_quantile 0.8 s, median 1.3-2.1 s, approx_quantile 3.6 s)
    approx_median="reservoir_quantile({expr}, 0.5)",
    approx_distinct="approx_count_distinct({expr})",
    batch_exact_distinct=False,
    text_type="varchar",
    row_hash="hash({expr})",
    float_type="double",
    # measured (bench_value_diff, 2 threads): two-step 0.96-1.16x the hand-written join at 1M rows and
    # 0.83x at 10M (peak RSS -611 MB); the single join 1.28-1.48x and 1.22x (+19 MB)
    value_diff_two_step=True,
    grouping_sets=True,
    materialized_cte=True,
    sample_hash="hash({expr})",
    error_types=(
        ("duckdb:CatalogException", ErrorKind.RELATION_MISSING),
        # DuckDB has no grants: its PermissionException comes from the configuration alone, which on a
        # sandboxed warehouse forbids files and the network (``enable_external_access = false``)
        ("duckdb:PermissionException", ErrorKind.EXTERNAL_ACCESS),
        ("duckdb:ParserException", ErrorKind.SYNTAX),
        ("duckdb:BinderException", ErrorKind.SYNTAX),
        ("duckdb:ConversionException", ErrorKind.SYNTAX),
        ("duckdb:InvalidInputException", ErrorKind.SYNTAX),
        ("duckdb:ProgrammingError", ErrorKind.SYNTAX),
        ("duckdb:InterruptException", ErrorKind.CANCELLED),
        ("duckdb:IOException", ErrorKind.UNAVAILABLE),
        ("dbt.adapters.exceptions.connection:FailedToConnectError", ErrorKind.UNAVAILABLE),
    ),
    dbapi_module="duckdb",
    isolated_class_state=("_ENV",),
    transactional_reads=False,
    sandbox_statements=("SET enable_external_access = false", "SET lock_configuration = true"),
    # the setting belongs to the database instance, which dbt-duckdb reopens after its last handle closed
    sandbox_check="select current_setting('enable_external_access') = false "
                  "and current_setting('lock_configuration') = true",
    read_only_begin=("BEGIN TRANSACTION READ ONLY",),
    read_only_end="ROLLBACK",
    denied_functions=_DUCKDB_DENIED,
    external_functions=_DUCKDB_EXTERNAL,
    # a table name with a path, URL, glob or data-file extension is read as a file (replacement scan)
    file_reference=r"[/\\:*?'\"]|\.(csv|tsv|txt|parquet|json|jsonl|ndjson|xlsx|arrow|avro)(\.(gz|zst))?$",
)

POSTGRES = Dialect(
    name="postgres",
    sqlglot="postgres",
    median="percentile_cont(0.5) within group (order by {expr})",
    approx_median="percentile_cont(0.5) within group (order by {expr})",
    approx_distinct=None,
    batch_exact_distinct=True,
    text_type="text",
    row_hash=None,
    grouping_sets=True,
    materialized_cte=True,  # PostgreSQL 12+
    sample_hash="hashtextextended({expr}, 0)",  # PostgreSQL 11+
    error_types=(
        ("psycopg2.errors:UndefinedTable", ErrorKind.RELATION_MISSING),
        ("psycopg2.errors:InvalidSchemaName", ErrorKind.RELATION_MISSING),
        ("psycopg2.errors:InsufficientPrivilege", ErrorKind.PERMISSION_DENIED),
        ("psycopg2.errors:QueryCanceled", ErrorKind.CANCELLED),
        ("psycopg2.errors:AdminShutdown", ErrorKind.CANCELLED),
        ("psycopg2:ProgrammingError", ErrorKind.SYNTAX),
        ("psycopg2.errors:DataError", ErrorKind.SYNTAX),
        ("psycopg2:OperationalError", ErrorKind.UNAVAILABLE),
        ("dbt.adapters.exceptions.connection:FailedToConnectError", ErrorKind.UNAVAILABLE),
    ),
    dbapi_module="psycopg2",
    # PostgreSQL 14+: a query whose client went away (killed process) is aborted within a second
    session_statements=("SET client_connection_check_interval = '1s'",),
    # psycopg2 has already opened the transaction when the first statement runs: no BEGIN of our own
    read_only_begin=("SET TRANSACTION READ ONLY",),
    denied_functions=_POSTGRES_DENIED,
    external_functions=_POSTGRES_EXTERNAL,
    # a server-file function or view of the superuser (pg_read_file, pg_current_logfile, pg_hba_file_rules ..),
    # or an operation that needs the roles which may read or write the server's files or run programs there
    external_access_errors=(
        r"permission denied for (function|view) (pg_read_|pg_ls_|pg_stat_file|pg_file_|pg_current_logfile"
        r"|pg_hba_file_rules|pg_ident_file_mappings|pg_show_all_file_settings|lo_|dblink)",
        r"pg_read_server_files|pg_write_server_files|pg_execute_server_program",
    ),
)

#: Spark SQL functions that read files or name the file being read, or reach other systems over HTTP
_SPARK_EXTERNAL = ("input_file_*", "read_files", "read_*", "*_file*", "http_request", "cloud_files*")

#: Spark SQL functions that call Java, read files or name the file being read, reach other systems
#: (Databricks' HTTP, secrets, AI and file readers), or raise/stop the session
_SPARK_DENIED = (
    *_SPARK_EXTERNAL, "reflect", "java_method", "try_reflect", "secret", "try_secret", "ai_*", "vector_search",
    "current_catalog_setting", "set_config",
)

SPARK = Dialect(
    name="spark",
    sqlglot="spark",
    median="median({expr})",  # Spark 3.4+: exact, interpolated like DuckDB's median
    approx_median="percentile_approx({expr}, 0.5)",
    approx_distinct="approx_count_distinct({expr})",
    batch_exact_distinct=True,  # one scan of the table per query: batching saves whole passes
    text_type="string",
    row_hash="xxhash64({expr})",
    float_type="double",
    grouping_sets=True,
    # hashed twice: one xxhash64 of short numeric texts is not uniform modulo 10^6 (measured on 1M sequential
    # keys, a 10% sample held 878 of the 10,000 multiples of 100, 4 sigma low; twice: 967, as DuckDB's 1,010)
    sample_hash="xxhash64(xxhash64({expr}))",
    error_states=(
        ("42P01", ErrorKind.RELATION_MISSING),  # TABLE_OR_VIEW_NOT_FOUND
        ("42704", ErrorKind.RELATION_MISSING),  # SCHEMA_NOT_FOUND
        ("42501", ErrorKind.PERMISSION_DENIED),
    ),
    error_types=(
        ("pyspark.errors.exceptions.captured:ParseException", ErrorKind.SYNTAX),
        ("pyspark.errors.exceptions.captured:AnalysisException", ErrorKind.SYNTAX),
        ("pyspark.errors.exceptions.captured:NumberFormatException", ErrorKind.SYNTAX),
        ("pyspark.errors.exceptions.captured:ArithmeticException", ErrorKind.SYNTAX),
        ("pyspark.errors.exceptions.captured:IllegalArgumentException", ErrorKind.SYNTAX),
        ("dbt.adapters.exceptions.connection:FailedToConnectError", ErrorKind.UNAVAILABLE),
    ),
    dbapi_module="spyglass.warehouse.spark",
    job_control="spyglass.warehouse.spark:SparkJobs",
    profile_defaults="spyglass.warehouse.spark:session_defaults",
    # Spark has no transactions at all (dbt-spark's commit/rollback are no-ops): a user query is kept
    # read-only by the parser's refusals alone (no DDL/DML, no denied function, no file reference)
    read_only_begin=(),
    transactional_reads=False,
    denied_functions=_SPARK_DENIED,
    external_functions=_SPARK_EXTERNAL,
    # ``parquet.`/path` ``, ``csv.`s3://..` `` and friends read files; a path or URL in any name part too
    file_reference=r"^(parquet|csv|json|orc|text|avro|binaryfile|xml|delta|jdbc|iceberg|hudi)\.|[/\\:*?'\"]",
    information_schema=False,  # no information_schema.columns: columns come from a query returning no row
)

#: What an adapter we have not declared gets: ANSI-ish SQL, no approximations.
GENERIC = Dialect(
    name="generic",
    sqlglot="",
    median=None,
    approx_median=None,
    approx_distinct=None,
    batch_exact_distinct=True,
    text_type="varchar",
    row_hash=None,
    denied_functions=tuple(dict.fromkeys(_DUCKDB_DENIED + _POSTGRES_DENIED)),
)

