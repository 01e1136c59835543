"""The server uses one store from many threads at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Mapping

from spyglass.store import Store
from tests.store.changes import seen, validated

THREADS = 8
ROUNDS = 15
PROJECT = "g/p"


def test_threads_sharing_one_store_see_consistent_results(store_env: Mapping[str, str]) -> None:
    accepted: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    with Store.open(store_env) as store:
        store.save_connection("https://gitlab.com", PROJECT, "glpat-shared-token-0000", user="bot", scopes=["api"])

        def work(worker: int) -> None:
            barrier.wait()
            try:
                for round_ in range(ROUNDS):
                    iid = round_ % 5
                    store.change_merge_request(PROJECT, iid, seen(PROJECT, iid, title=f"mr {iid}", state="opened",
                                                                  head_sha=f"s{round_}"))
                    store.record_validation(PROJECT, iid, f"s{round_}", checks=3, mismatches=worker % 2, errors=0,
                                            change=validated(PROJECT, iid, f"s{round_}"))
                    store.set_setting(f"worker.{worker}", str(round_))
                    key = f"delivery-{round_}"  # every worker receives the same deliveries
                    if store.record_webhook_event(key, event="Merge Request Hook", project=PROJECT, iid=iid,
                                                  action="update"):
                        accepted.append(key)
                    assert store.token() == "glpat-shared-token-0000"
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert errors == []
        assert sorted(accepted) == sorted(f"delivery-{r}" for r in range(ROUNDS))  # each key exactly once
        assert sum(len(store.validations(PROJECT, iid)) for iid in range(5)) == THREADS * ROUNDS
        assert all(store.get_setting(f"worker.{n}") == str(ROUNDS - 1) for n in range(THREADS))
        tracked = store.tracked(PROJECT)
        assert sorted(tracked) == [0, 1, 2, 3, 4]
        assert all(mr.validated_sha is not None for mr in tracked.values())


WORKER = """
import json, os, sys
from spyglass.gitlab.tracking import seen
from spyglass.store import Store
with Store.open(os.environ) as store:
    accepted = [key for key in (f"delivery-{n}" for n in range(30))
                if store.record_webhook_event(key, event="Merge Request Hook", project="g/p", iid=1, action="update")]
    store.change_merge_request("g/p", 1, seen("g/p", 1, title="t", state="opened", head_sha=sys.argv[1]))
print(json.dumps(accepted))
"""


def test_processes_sharing_one_store_record_each_delivery_once(store_env: Mapping[str, str]) -> None:
    """The CLI and the server (or two servers) may use the same store from different processes."""
    environ = {**os.environ, **store_env}
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, f"sha{n}"], env=environ, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for n in range(3)]
    outputs = [worker.communicate(timeout=120) for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0, 0], [err for _, err in outputs]
    accepted = [key for out, _ in outputs for key in json.loads(out)]
    assert sorted(accepted) == sorted(f"delivery-{n}" for n in range(30))
    with Store.open(store_env) as store:
        assert store.tracked("g/p")[1].head_sha in {"sha0", "sha1", "sha2"}
        assert len(store.webhook_events("g/p", limit=100)) == 30
