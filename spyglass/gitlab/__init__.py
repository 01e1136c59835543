"""GitLab integration: connect a token, diagnose it, track merge requests, post summaries and notes.

Entry points (CLI, web server) call :class:`spyglass.gitlab.service.GitLabService` only.
"""
