"""One immutable view of a dbt project's artifacts: what every read and every run works from.

A :class:`ProjectSnapshot` is built whole (artifact pair, lineage diff, the fingerprint of the files it
was read from, and the SQL renderer over them) and never changes, so a reader that holds one sees one
consistent set of artifacts however often they are reloaded meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from spyglass.project.artifacts import artifact_fingerprint, load_pair
from spyglass.project.changes import ChangeAnalysis
from spyglass.project.column_lineage import ColumnCache
from spyglass.project.lineage import LineageDiff, diff_lineage
from spyglass.project.models import ArtifactPair
from spyglass.project.render import SqlRenderer
from spyglass.project.variables import TemplateVars, read_project_vars
from spyglass.settings import ProjectSettings

#: (path, mtime_ns, size) of each artifact file a snapshot was read from
Fingerprint = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class ProjectSnapshot:
    """Artifacts, lineage diff and SQL renderer of one moment (see module doc)."""

    artifacts: ArtifactPair
    lineage: LineageDiff
    fingerprint: Fingerprint
    renderer: SqlRenderer
    #: query lineages shared with the snapshots before and after this one (see ChangeAnalysis)
    column_cache: ColumnCache = field(default_factory=ColumnCache, compare=False, repr=False)

    @cached_property
    def changes(self) -> ChangeAnalysis:
        """Column lineage, change categories and impact, each computed when first asked for."""
        return ChangeAnalysis(self.artifacts, self.lineage, self.column_cache)


def current_fingerprint(settings: ProjectSettings) -> Fingerprint:
    """The fingerprint of the artifact files on disk now."""
    return artifact_fingerprint(settings.base_dir, settings.current_dir)


def build_snapshot(settings: ProjectSettings, artifacts: ArtifactPair, fingerprint: Fingerprint,
                   column_cache: ColumnCache | None = None) -> ProjectSnapshot:
    """A snapshot of ``artifacts``; templates read ``settings.vars`` and the project's ``dbt_project.yml``.
    ``column_cache`` carries column lineage over from earlier snapshots of the same process.

    Raises:
        ConfigError: dbt_project.yml is not valid YAML.
    """
    variables = TemplateVars(cli=settings.vars, project=read_project_vars(settings.project_dir))
    return ProjectSnapshot(artifacts=artifacts, lineage=diff_lineage(artifacts), fingerprint=fingerprint,
                           renderer=SqlRenderer(artifacts, variables), column_cache=column_cache or ColumnCache())


def load_snapshot(settings: ProjectSettings, column_cache: ColumnCache | None = None) -> ProjectSnapshot:
    """Read both environments' artifacts from disk into a new snapshot.

    The fingerprint is taken before reading, so a rewrite by dbt while reading shows as a change again.

    Raises:
        ArtifactError: a manifest is missing or unreadable (with the dbt command to run).
        ConfigError: dbt_project.yml is not valid YAML.
    """
    fingerprint = current_fingerprint(settings)
    return build_snapshot(settings, load_pair(settings.base_dir, settings.current_dir), fingerprint, column_cache)
