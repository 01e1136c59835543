"""Every error Spyglass raises on purpose.

Hierarchy::

    SpyglassError                 root; carries ``message``, ``remedy`` and ``exit_code``
    ├── UsageError                bad command-line or API input (exit 2)
    │   ├── NotFound              an API request names a node, run or check that does not exist (404)
    │   └── InvalidSpec           a check spec of an unknown type, or params that do not fit it (422)
    ├── ConfigError               spyglass.yml / recce.yml / profiles problems (exit 2)
    ├── ArtifactError             missing or unreadable dbt artifacts (exit 2)
    ├── SelectionError            a selector that cannot be parsed (exit 2)
    ├── StateError                state file corrupt, too new, or unwritable (exit 2)
    │   └── StateTooLarge         a change would make the state larger than a state file may be (413)
    ├── CheckError                a check's input is wrong (unknown model/column, bad key ...)
    │   ├── CheckSkipped          a check type that cannot run here (reported as skipped)
    │   ├── QueryRefused          user SQL that is not one read-only query (never sent to the warehouse)
    │   ├── RenderLimitExceeded   a SQL template went over a render limit (time, steps, size)
    │   └── AmbiguousNode         a node name matches several nodes (packages, versions); each spelling listed
    ├── Cancelled                 a run or query was cancelled
    ├── WarehouseError            a query failed in the warehouse
    │   ├── RelationMissing       the table or view does not exist
    │   ├── PermissionDenied      the profile's user may not read it
    │   │   └── ExternalAccessDenied  the engine refused to read a file or reach the network (sandbox)
    │   ├── QuerySyntaxError      the SQL is wrong
    │   └── WarehouseUnavailable  cannot connect / adapter not installed
    ├── SecretStoreError          the encrypted secret store cannot be read
    ├── StoreError                the Spyglass store (SQLite/PostgreSQL) cannot be opened, migrated or used
    └── GitLabError               a GitLab request failed (see spyglass.gitlab for details)

Every instance renders as one paragraph: what went wrong, then what to do (``remedy``). Entry points
translate these into exit codes (CLI) or HTTP statuses (server) in exactly one place each.
"""

from __future__ import annotations


class SpyglassError(Exception):
    """Root of every error Spyglass raises on purpose."""

    exit_code: int = 1
    http_status: int = 500

    def __init__(self, message: str, *, remedy: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy

    def __str__(self) -> str:
        if self.remedy:
            return f"{self.message} {self.remedy}"
        return self.message


class UsageError(SpyglassError):
    """The user asked for something that does not make sense (bad flag value, bad API body)."""

    exit_code = 2
    http_status = 400


class NotFound(UsageError):
    """An API request names a node, run or check that does not exist."""

    http_status = 404


class InvalidSpec(UsageError):
    """A check spec names an unknown type, or params that do not fit its type (as a request body that does
    not fit its schema: 422)."""

    http_status = 422


class ConfigError(SpyglassError):
    """A configuration file (spyglass.yml, recce.yml, profiles.yml) is missing a value or malformed."""

    exit_code = 2
    http_status = 400


class ArtifactError(SpyglassError):
    """A dbt artifact (manifest.json, catalog.json) is missing, malformed or of an unsupported version."""

    exit_code = 2
    http_status = 409


class SelectionError(SpyglassError):
    """A node selector could not be parsed."""

    exit_code = 2
    http_status = 400


class StateError(SpyglassError):
    """The state file is corrupt, written by a newer Spyglass, or cannot be written."""

    exit_code = 2
    http_status = 409


class StateTooLarge(StateError):
    """A change would make the state larger than a state file may be (and than an import accepts)."""

    http_status = 413


class CheckError(SpyglassError):
    """A check cannot run with the parameters it was given (unknown model or column, bad key ...)."""

    exit_code = 1
    http_status = 422


class CheckSkipped(CheckError):
    """The check type is not supported here; the run is recorded as skipped, not failed."""


class OverBudget(CheckSkipped):
    """A data check would scan more rows than the run's budget allows (``--max-rows``, ``budget:``): it
    is not run, and is recorded as skipped, saying by how much (:mod:`spyglass.checks.budget`)."""


class QueryRefused(CheckError):
    """User SQL (a query, a query diff, a ``where`` condition) is not one read-only query: several
    statements, DDL/DML, a file or network function ... It is refused before it reaches the warehouse."""


class RenderLimitExceeded(CheckError):
    """Rendering a user's Jinja SQL took too long, did too many steps or produced too much text."""


class AmbiguousNode(CheckError):
    """A node name (a check's ``model``, ``ref()``) matches several nodes that dbt's rules cannot
    choose between (same name in two packages, none in the root project); the message lists each
    candidate with the spelling that picks it."""


class SqlNotUnderstood(SpyglassError):
    """Spyglass cannot read a model's compiled SQL for column lineage or change classification (sqlglot
    cannot parse or resolve it). Never fatal: the model's columns and category become ``unknown`` with
    this message as the reason."""


class Cancelled(SpyglassError):
    """A run or warehouse query was cancelled before it finished."""

    exit_code = 130
    http_status = 409


class WarehouseError(SpyglassError):
    """A query failed in the warehouse."""

    http_status = 502


class RelationMissing(WarehouseError):
    """The table or view a query needs does not exist."""

    http_status = 404


class PermissionDenied(WarehouseError):
    """The warehouse user of the dbt profile may not read the relation."""

    http_status = 403


class ExternalAccessDenied(PermissionDenied):
    """The engine refused to read a file or reach the network: the sandbox of a server's warehouse (DuckDB's
    ``enable_external_access = false``) or a role without the file privileges (PostgreSQL)."""


class QuerySyntaxError(WarehouseError):
    """The warehouse rejected the SQL (syntax, unknown column, type error)."""

    http_status = 422


class WarehouseUnavailable(WarehouseError):
    """The adapter is not installed or the warehouse cannot be reached."""

    exit_code = 2
    http_status = 503


class SecretStoreError(SpyglassError):
    """The encrypted secret store cannot be read (wrong or missing key, corrupt file)."""

    exit_code = 2
    http_status = 500


class StoreError(SpyglassError):
    """The Spyglass store (SQLite or PostgreSQL) cannot be opened, is from a newer Spyglass, or failed."""

    exit_code = 2
    http_status = 503


class GitLabError(SpyglassError):
    """A GitLab API request failed; subclasses live in :mod:`spyglass.gitlab.errors`."""

    exit_code = 2
    http_status = 502
