"""Instantiating a dbt adapter without dbt's adapter factory or global flags (see :mod:`.dbt`)."""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
from dataclasses import dataclass, field
from typing import Any

from spyglass.exceptions import WarehouseUnavailable
from spyglass.warehouse.dialects import Dialect
from spyglass.warehouse.profiles import TargetConfig, adapter_plugin


@dataclass
class _AdapterConfig:
    """The parts of dbt's RuntimeConfig an adapter reads (``AdapterRequiredConfig``)."""

    credentials: Any  # Any: the adapter's own Credentials dataclass
    profile_name: str
    target_name: str
    threads: int
    project_name: str = "spyglass"
    query_comment: Any = None  # Any: dbt's QueryComment
    cli_vars: dict[str, Any] = field(default_factory=dict)
    target_path: str = "target"
    log_cache_events: bool = False

    def to_target_dict(self) -> dict[str, Any]:
        return {"type": self.credentials.type, "threads": self.threads, "name": self.target_name,
                "profile_name": self.profile_name}


def instantiate(target: TargetConfig, dialect: Dialect) -> Any:
    """A fresh adapter instance for ``target`` (Any: dbt's adapter classes are untyped here)."""
    from dbt.adapters.contracts.connection import QueryComment

    adapter_cls = adapter_plugin(target.adapter_type).adapter
    if dialect.isolated_class_state:
        manager = adapter_cls.ConnectionManager
        isolated_manager = type(f"Spyglass{manager.__name__}", (manager,),
                                dict.fromkeys(dialect.isolated_class_state))
        adapter_cls = type(f"Spyglass{adapter_cls.__name__}", (adapter_cls,),
                           {"ConnectionManager": isolated_manager})
    config = _AdapterConfig(credentials=target.credentials, profile_name=target.profile_name,
                            target_name=target.target_name, threads=target.threads,
                            query_comment=QueryComment())
    try:
        return adapter_cls(config, multiprocessing.get_context("spawn"))
    except Exception as exc:
        raise WarehouseUnavailable(f"The {target.adapter_type} adapter could not be created: {exc}",
                                   remedy=f"Check the installed dbt-{target.adapter_type} version.") from exc


def release_class_state(adapter: Any, dialect: Dialect) -> None:
    manager_cls = type(adapter.connections)
    for attribute in dialect.isolated_class_state:
        state = getattr(manager_cls, attribute, None)
        if state is not None and hasattr(state, "close"):
            with contextlib.suppress(Exception):  # closing a handle that is already gone
                state.close()
        setattr(manager_cls, attribute, None)


def job_control(dialect: Dialect) -> Any:
    """The class ``Dialect.job_control`` names, or None (Any: it only needs ``start``/``cancel``)."""
    if dialect.job_control is None:
        return None
    module, _, name = dialect.job_control.partition(":")
    return getattr(importlib.import_module(module), name)
