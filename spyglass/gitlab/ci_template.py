"""The ``.gitlab-ci.yml`` that ``spyglass gitlab ci-template`` prints."""

from __future__ import annotations

TEMPLATE = """\
# Spyglass: data review for dbt merge requests.
# 1. Settings -> CI/CD -> Variables: add SPYGLASS_GITLAB_TOKEN (a token with the `api` scope),
#    flags "Mask variable" and (if your MR branches are protected) "Protect variable" as you need.
# 2. Keep your warehouse credentials in CI/CD variables too, read by profiles.yml with env_var().
# The default branch builds and keeps the base (production) artifacts; each merge request builds its
# own, fetches the base artifacts, runs the checks and posts (then updates) one summary note.

variables:
  PIP_CACHE_DIR: "$CI_PROJECT_DIR/.cache/pip"
  DBT_PROFILES_DIR: "$CI_PROJECT_DIR"

default:
  image: python:3.12-slim
  cache:
    paths: [.cache/pip]
  before_script:
    - pip install {package}

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
  script:
    - dbt deps
    - dbt build --target {current_target}
    - dbt docs generate --target {current_target}
    # The latest base artifacts of the target branch (the job token may read this project's artifacts).
    - >
      python -c "import os, urllib.parse as p, urllib.request as r;
      e = os.environ; ref = p.quote(e['CI_MERGE_REQUEST_TARGET_BRANCH_NAME'], safe='');
      url = e['CI_API_V4_URL'] + '/projects/' + e['CI_PROJECT_ID'] + '/jobs/artifacts/' + ref
      + '/download?job=spyglass-base';
      req = r.Request(url, headers={'JOB-TOKEN': e['CI_JOB_TOKEN']});
      open('base.zip', 'wb').write(r.urlopen(req).read())"
    - python -m zipfile -e base.zip base-unzipped
    - mkdir -p target-base && cp base-unzipped/target/*.json target-base/
    - >
      spyglass run --target {current_target} --target-path target --target-base-path target-base
      --output spyglass_state.json
    # CI_SERVER_URL, CI_PROJECT_ID and CI_MERGE_REQUEST_IID are read automatically.
    - spyglass gitlab post --state-file spyglass_state.json --notes --commit-status
  artifacts:
    when: always
    paths: [spyglass_state.json]
    expire_in: 30 days
"""


def render(*, package: str = "spyglass", base_target: str = "prod", current_target: str = "ci") -> str:
    """The CI file, with the pip requirement and the dbt targets filled in."""
    # Plain replacement: the template is full of braces (Python, YAML) that str.format would eat.
    return (TEMPLATE.replace("{package}", package).replace("{base_target}", base_target)
            .replace("{current_target}", current_target))
