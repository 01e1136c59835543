"""``spyglass demo``: build the bundled shop project twice, run its preset checks, then serve the UI."""

from __future__ import annotations

import os
from pathlib import Path

import click
from rich.console import Console

from spyglass.cli.run import execute_run
from spyglass.demo.build import DEFAULT_ROWS, MIN_ROWS, DemoPaths, build_demo
from spyglass.demo.engines import ENGINES, DemoEngine
from spyglass.service import Session

STATE_FILE = "spyglass_state.json"
SUMMARY_FILE = "summary.md"


@click.command("demo")
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=Path("spyglass-demo"),
              show_default=True, help="Where to build the demo (rebuilt from scratch on every run).")
@click.option("--rows", type=click.IntRange(min=MIN_ROWS), default=DEFAULT_ROWS, show_default=True,
              help="Number of generated orders (10,000,000 for benchmarks).")
@click.option("--no-serve", is_flag=True, help="Exit after printing the summary instead of serving the UI.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address the UI binds to.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port of the UI.")
@click.option("--verbose", "-v", is_flag=True, help="Show dbt's output while building.")
@click.option("--engine", type=click.Choice(ENGINES), default="duckdb", show_default=True,
              help="Warehouse to build in: a DuckDB file, a local Spark (pip install 'spyglass[spark]', "
                   "Java 17), or the PostgreSQL database --dsn names.")
@click.option("--dsn", default=None, metavar="postgresql://USER@HOST:PORT/DB",
              help="PostgreSQL to build in (--engine postgres); the password comes from the URL or PGPASSWORD.")
def demo_command(directory: Path, rows: int, no_serve: bool, host: str, port: int, verbose: bool,
                 engine: str, dsn: str | None) -> None:
    """Build the demo shop (base and a changed current), run its checks, print the summary, serve the UI."""
    console = Console(soft_wrap=True)
    demo_engine = DemoEngine(engine, dsn)
    demo_engine.validate()
    # the profile reads PGPASSWORD (never written to disk); dbt and Spyglass run in this process
    os.environ.update(demo_engine.environment())
    paths, code = run_demo(directory, rows=rows, verbose=verbose, console=console, engine=demo_engine)
    if code != 0 or no_serve:
        raise SystemExit(code)
    serve_demo(paths, host=host, port=port)


def run_demo(directory: Path, *, rows: int, verbose: bool, console: Console,
             engine: DemoEngine | None = None) -> tuple[DemoPaths, int]:
    """Build, run the preset checks as ``spyglass run`` does, print the table and summary.

    Returns the built demo and the exit code of the run.
    """
    def step(message: str) -> None:
        console.print(f"[bold]>[/] {message}", highlight=False)

    paths = build_demo(directory, rows, verbose=verbose, on_step=step, engine=engine)
    state_path, summary_path = _outputs(paths)
    code = execute_run(paths.settings, output=state_path, summary_path=summary_path, state_file=None,
                       fail_on=None, console=console)
    console.rule("Summary (Markdown, as posted on a merge request)")
    console.print(summary_path.read_text(encoding="utf-8"), markup=False, highlight=False)
    console.rule()
    console.print(f"Demo project: {paths.project_dir}", highlight=False)
    console.print(f"State file:   {state_path}", highlight=False)
    console.print(f"Summary:      {summary_path}", highlight=False)
    console.print(f"Re-run the checks: spyglass run --project-dir {paths.project_dir} "
                  f"--profiles-dir {paths.profiles_dir} -o {state_path}", highlight=False)
    return paths, code


def serve_demo(paths: DemoPaths, *, host: str, port: int) -> None:
    """Serve the UI over the built demo (blocks until interrupted)."""
    from spyglass.server.launch import serve  # imported here: FastAPI/uvicorn only when serving

    session = Session.load(paths.settings)
    try:
        serve(session, _outputs(paths)[0], host=host, port=port)
    finally:
        session.close()


def _outputs(paths: DemoPaths) -> tuple[Path, Path]:
    return paths.project_dir / STATE_FILE, paths.project_dir / SUMMARY_FILE


def register(group: click.Group) -> None:
    """Add ``spyglass demo`` to the ``spyglass`` group."""
    group.add_command(demo_command)
