"""The server uses one store from many threads at once."""

from __future__ import annotations

import threading
from collections.abc import Mapping

from spyglass.store import Store

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
                    store.upsert_merge_request(PROJECT, iid, title=f"mr {iid}", state="opened", head_sha=f"s{round_}")
                    store.record_validation(PROJECT, iid, f"s{round_}", checks=3, mismatches=worker % 2, errors=0)
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
