"""The store's parts of a token rotation, on SQLite and PostgreSQL: a marker only one claimer takes, the new
token stored with the end of its rotation in one transaction, and the lost token dropped only while the
marker is unchanged."""

from __future__ import annotations

import threading

from spyglass.store import Store

KEY = "gitlab.token_rotation"


def test_only_one_claimer_takes_the_marker(store: Store) -> None:
    won: list[bool] = []
    barrier = threading.Barrier(6)

    def claim(n: int) -> None:
        barrier.wait()
        won.append(store.claim_setting(KEY, f"claimer {n}"))

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(won) == [False] * 5 + [True]
    assert (store.get_setting(KEY) or "").startswith("claimer ")


def test_the_new_token_and_the_end_of_the_rotation_are_stored_together(store: Store) -> None:
    store.save_connection("https://gitlab.example.com", "g/p", "glpat-old-token-aaaa", user="bot", scopes=["api"])
    assert store.claim_setting(KEY, "pending")
    saved = store.save_connection("https://gitlab.example.com", "g/p", "glpat-new-token-bbbb", user="bot",
                                  scopes=["api"], settings={KEY: None, "gitlab.token_expires_at": "2027-02-23"})
    assert saved.token_last4 == "bbbb" and store.token() == "glpat-new-token-bbbb"
    assert store.get_setting(KEY) is None and store.get_setting("gitlab.token_expires_at") == "2027-02-23"


def test_a_lost_token_is_dropped_only_while_the_marker_is_unchanged(store: Store) -> None:
    store.save_connection("https://gitlab.example.com", "g/p", "glpat-old-token-aaaa", user="bot", scopes=["api"])
    store.set_setting(KEY, "pending 1")
    assert not store.drop_connection_if(KEY, "pending 0", "lost 0")  # another rotation's marker: untouched
    assert store.token() == "glpat-old-token-aaaa" and store.get_setting(KEY) == "pending 1"
    assert store.drop_connection_if(KEY, "pending 1", "lost 1")
    assert store.connection() is None and store.token() is None and store.get_setting(KEY) == "lost 1"
