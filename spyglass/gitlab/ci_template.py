"""The ``.gitlab-ci.yml`` that ``spyglass gitlab ci-template`` prints.

Spyglass is not on the public package index: the template installs it from ``SPYGLASS_SOURCE``, a pinned
pip source the user sets (a git URL at a release tag, a wheel URL, a package registry's name), with the
``postgres`` extra when the dbt profile uses PostgreSQL. Each merge request pipeline fetches the target
branch's base artifacts with ``spyglass gitlab fetch-base`` (the job token, no secret needed), runs the checks
with a JUnit report (GitLab's test summary, no token needed) and an HTML report exposed in the merge request,
then posts the summary note (this needs ``SPYGLASS_GITLAB_TOKEN``).
"""

from __future__ import annotations

import yaml

from spyglass.gitlab.errors import BaseArtifactsUnavailable

#: what SPYGLASS_SOURCE says until the user sets it: the shape of a pinned source, not a real address
DEFAULT_SOURCE = "git+https://gitlab.example.com/tools/spyglass.git@v0.1.0"
JUNIT_FILE = "spyglass-junit.xml"
HTML_FILE = "spyglass-report.html"
#: ``spyglass gitlab fetch-base``'s exit code when the target branch has no base artifacts yet
NO_BASE_EXIT = BaseArtifactsUnavailable.exit_code

TEMPLATE = """\
# Spyglass: data review for dbt merge requests.
# 1. Set SPYGLASS_SOURCE below to where pip installs Spyglass from, pinned to a release (Spyglass is not
#    on the public package index): a git URL with a tag (the image below has git), or a wheel's URL.
# 2. Settings -> CI/CD -> Variables: add SPYGLASS_GITLAB_TOKEN (a token with the `api` scope, ideally a
#    project access token: a bot user), flags "Mask variable" and (if your MR branches are protected)
#    "Protect variable" as you need. It posts the summary note; nothing else needs it.
# 3. Keep your warehouse credentials in CI/CD variables too, read by profiles.yml with env_var().
# The default branch builds and keeps the base (production) artifacts; each merge request builds its own,
# fetches the newest base artifacts of its target branch (with the job token), runs the checks and posts
# (then updates) one summary note. The merge request shows the checks in its test summary (JUnit) and
# links the HTML report ("Spyglass report").

variables:
  PIP_CACHE_DIR: "$CI_PROJECT_DIR/.cache/pip"
  DBT_PROFILES_DIR: "$CI_PROJECT_DIR"
  SPYGLASS_SOURCE: "{source}"

default:
  image: python:3.12
  cache:
    paths: [.cache/pip]
  before_script:
    - pip install "spyglass{extras} @ ${SPYGLASS_SOURCE}"

spyglass-base:
  stage: build
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
    - dbt deps
    - dbt build --target {base_target}
    - dbt docs generate --target {base_target}
  artifacts:
    name: spyglass-base
    paths: [target/manifest.json, target/catalog.json]
    expire_in: 30 days

spyglass-review:
  stage: test
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  # fetch-base exits {no_base} when the target branch has no base artifacts yet (no successful pipeline
  # there, or they expired): a warning, not a failure; it says what to do.
  allow_failure:
    exit_codes: [{no_base}]
  script:
    - dbt deps
    - dbt build --target {current_target}
    - dbt docs generate --target {current_target}
    - spyglass gitlab fetch-base --job spyglass-base --target-base-path target-base
    - >
      spyglass run --target {current_target} --target-path target --target-base-path target-base
      --output spyglass_state.json --junit {junit}
    - spyglass report --html {html} --state-file spyglass_state.json
    # CI_SERVER_URL, CI_PROJECT_ID and CI_MERGE_REQUEST_IID are read automatically.
    - spyglass gitlab post --state-file spyglass_state.json --notes --commit-status
  artifacts:
    when: always
    # one file, so the merge request's link opens the report itself
    expose_as: "Spyglass report"
    paths: [{html}]
    reports:
      junit: {junit}
    expire_in: 30 days
"""


def needs_postgres(profiles_yml: str) -> bool:
    """True when a ``profiles.yml`` has an output of ``type: postgres`` (pure; unreadable YAML: False)."""
    try:
        profiles = yaml.safe_load(profiles_yml)
    except yaml.YAMLError:
        return False
    if not isinstance(profiles, dict):
        return False
    for profile in profiles.values():
        outputs = profile.get("outputs") if isinstance(profile, dict) else None
        if isinstance(outputs, dict) and any(isinstance(o, dict) and o.get("type") == "postgres"
                                             for o in outputs.values()):
            return True
    return False


def render(*, source: str = DEFAULT_SOURCE, postgres: bool = False, base_target: str = "prod",
           current_target: str = "ci") -> str:
    """The CI file, with the pinned source, the extra and the dbt targets filled in."""
    # Plain replacement: the template is full of braces (YAML, shell) that str.format would eat.
    values = {"{source}": source, "{extras}": "[postgres]" if postgres else "", "{base_target}": base_target,
              "{current_target}": current_target, "{junit}": JUNIT_FILE, "{html}": HTML_FILE,
              "{no_base}": str(NO_BASE_EXIT)}
    text = TEMPLATE
    for key, value in values.items():
        text = text.replace(key, value)
    return text
