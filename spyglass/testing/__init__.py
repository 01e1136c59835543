"""Testing support that ships with Spyglass, for its own tests and benchmarks and for users' tests.

:mod:`spyglass.testing.gitlab` is a fake GitLab (REST API v4) over real HTTP on 127.0.0.1: point
Spyglass (or any GitLab client) at ``FakeGitLab().url`` and assert on what it did, the way httpx's
``MockTransport`` lets tests run without a network. Nothing in the product imports this package (it is
the outermost layer, see ``tests/test_layers.py``); it needs only the standard library.
"""
