"""The warehouses we cannot run here, declared as data: Snowflake, BigQuery, Databricks SQL, Redshift, Trino.

Each entry says what :mod:`spyglass.warehouse.dialects` says of DuckDB and PostgreSQL, from the engine's own
documentation: its native hash, approximate distinct count and median, the types values are cast to, whether
it has ``IS NOT DISTINCT FROM`` and ``GROUPING SETS``, its ``date_trunc``, and the functions a user's query may
not call (files, stages and URLs, other databases, AI services, secrets, other users' queries). They are
listed in :data:`~spyglass.warehouse.dialect_table.DIALECTS`, so a dbt adapter of one of these types gets its
dialect.

Nothing here has run against the real service. Every check's statements are rendered in each dialect and
parsed back with sqlglot (tests/warehouse/test_dialect_golden.py, with a golden copy per dialect); the
figures themselves are tested for real on DuckDB, PostgreSQL and Spark. What a driver exception means is
declared by its type; a driver raising one type for many errors (Snowflake's ``ProgrammingError``, for a
missing table too) has its message shown as a rejected statement.
"""

from __future__ import annotations

from dataclasses import replace

from spyglass.warehouse.dialects import POSTGRES, SPARK, Dialect, ErrorKind

_CONNECT_FAILED = ("dbt.adapters.exceptions.connection:FailedToConnectError", ErrorKind.UNAVAILABLE)

SNOWFLAKE = Dialect(
    name="snowflake",
    sqlglot="snowflake",
    median="median({expr})",
    approx_median="approx_percentile({expr}, 0.5)",
    approx_distinct="approx_count_distinct({expr})",
    batch_exact_distinct=True,
    text_type="varchar",
    row_hash="hash({expr})",  # signed 64-bit, any number of arguments, NULLs hashed
    float_type="double",
    grouping_sets=True,
    sample_hash="hash({expr})",
    error_types=(
        ("snowflake.connector.errors:ProgrammingError", ErrorKind.SYNTAX),
        ("snowflake.connector.errors:OperationalError", ErrorKind.UNAVAILABLE),
        _CONNECT_FAILED,
    ),
    dbapi_module="snowflake.connector",
    # no read-only transactions on Snowflake: a user query is kept read-only by the parser's refusals
    denied_functions=(
        "system$*", "snowflake.cortex.*", "ai_*", "result_scan", "query_history*", "login_history*",
        "build_scoped_file_url", "build_stage_file_url", "get_presigned_url", "get_stage_location",
        "get_relative_path", "get_absolute_path", "infer_schema", "to_file", "fl_*", "directory", "validate*",
        "generate_column_description", "get_query_operator_stats",
    ),
    # ``FROM @stage/path`` (a named, table or user stage) reads staged files
    file_reference=r"^@",
)

BIGQUERY = Dialect(
    name="bigquery",
    sqlglot="bigquery",
    median=None,  # PERCENTILE_CONT is analytic only; no exact median aggregate
    approx_median="approx_quantiles({expr}, 2)[offset(1)]",
    approx_distinct="approx_count_distinct({expr})",
    batch_exact_distinct=True,
    text_type="string",
    row_hash="farm_fingerprint(to_json_string(struct({expr})))",  # INT64; NULL fields kept as null
    integer_type="int64",
    float_type="float64",
    date_trunc="date_trunc({expr}, {unit})",
    grouping_sets=True,
    sample_hash="farm_fingerprint({expr})",
    error_types=(
        ("google.api_core.exceptions:NotFound", ErrorKind.RELATION_MISSING),
        ("google.api_core.exceptions:Forbidden", ErrorKind.PERMISSION_DENIED),
        ("google.api_core.exceptions:BadRequest", ErrorKind.SYNTAX),
        ("google.api_core.exceptions:ServiceUnavailable", ErrorKind.UNAVAILABLE),
        _CONNECT_FAILED,
    ),
    dbapi_module="google.cloud.bigquery.dbapi",
    transactional_reads=False,  # every query is its own job; there is nothing to commit or roll back
    denied_functions=(
        "external_query", "ml.*", "ai.*", "ai_*", "obj.*", "keys.*", "predict", "generate_embedding",
        "generate_text*", "generate_table", "m_l_*", "external_object_transform",
    ),
)


def _databricks() -> Dialect:
    """Databricks SQL is Spark SQL: Spark's quirks and refusals, spoken through the databricks SQL connector."""
    return replace(
        SPARK,
        name="databricks",
        sqlglot="databricks",
        error_states=(),
        error_types=(("databricks.sql.exc:RequestError", ErrorKind.UNAVAILABLE), _CONNECT_FAILED),
        dbapi_module="databricks.sql",
        job_control=None,
        denied_functions=(*SPARK.denied_functions, "list_secrets", "event_log", "read_kafka", "read_pubsub",
                          "read_kinesis", "read_pulsar", "remote_query", "python_udf*"),
    )


def _redshift_denied() -> tuple[str, ...]:
    """PostgreSQL's refusals: Redshift keeps PostgreSQL's server functions (and ``dblink``-likes stay refused)."""
    return POSTGRES.denied_functions


DATABRICKS = _databricks()

REDSHIFT = Dialect(
    name="redshift",
    sqlglot="redshift",
    median="median({expr})",
    approx_median="approximate percentile_disc(0.5) within group (order by {expr})",
    approx_distinct="approximate count(distinct {expr})",
    batch_exact_distinct=True,
    text_type="varchar(max)",  # a bare VARCHAR is VARCHAR(256) on Redshift: longer texts would be cut
    row_hash=None,  # fnv_hash takes one value: no hash of a whole row
    null_safe_equals=False,  # IS NOT DISTINCT FROM is not documented; the portable form is always right
    grouping_sets=True,  # GROUPING SETS and GROUPING() since 2023
    sample_hash="fnv_hash({expr})",
    error_types=(
        ("redshift_connector.error:ProgrammingError", ErrorKind.SYNTAX),
        ("redshift_connector.error:OperationalError", ErrorKind.UNAVAILABLE),
        ("redshift_connector.error:InterfaceError", ErrorKind.UNAVAILABLE),
        _CONNECT_FAILED,
    ),
    dbapi_module="redshift_connector",
    denied_functions=_redshift_denied(),
)

TRINO = Dialect(
    name="trino",
    sqlglot="trino",
    median=None,  # only approx_percentile
    approx_median="approx_percentile({expr}, 0.5)",
    approx_distinct="approx_distinct({expr})",
    batch_exact_distinct=True,
    text_type="varchar",
    row_hash=None,
    float_type="double",
    grouping_sets=True,
    sample_hash="from_big_endian_64(xxhash64(to_utf8({expr})))",
    error_types=(
        ("trino.exceptions:TrinoUserError", ErrorKind.SYNTAX),
        ("trino.exceptions:TrinoConnectionError", ErrorKind.UNAVAILABLE),
        _CONNECT_FAILED,
    ),
    dbapi_module="trino.dbapi",
    transactional_reads=False,  # the trino client runs in autocommit unless told otherwise
    # ``TABLE(catalog.system.query(query => '...'))`` runs SQL text in the connector's database; the
    # ``system.*`` procedures need CALL, which is refused as a statement
    denied_functions=("query", "raw_query", "system.*", "*.system.*", "ai_*"),
)

#: the declared dialects of this module, in the order :data:`~spyglass.warehouse.dialect_table.DIALECTS` lists them
CLOUD_DIALECTS: tuple[Dialect, ...] = (SNOWFLAKE, BIGQUERY, DATABRICKS, REDSHIFT, TRINO)
