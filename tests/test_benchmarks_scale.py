"""The scale benchmarks run end to end at a tiny size (their figures are checked by the benchmarks)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import bench_scale_manifest, bench_scale_value_diff


def test_manifest_pipeline_summarises_the_synthetic_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = bench_scale_manifest.write_project(tmp_path, 300)
    summary = bench_scale_manifest.spyglass(settings)
    assert "model_" in summary  # the changed models are named in the summary
    bench_scale_manifest.main(["--models", "300", "--runs", "1"])
    out = capsys.readouterr().out
    assert "300 models per side" in out and "ratio" in out and "load artifacts + lineage diff" in out


@pytest.mark.slow
def test_value_diff_under_a_memory_limit_agrees_with_the_hand_written_join(tmp_path: Path) -> None:
    runs = bench_scale_value_diff.run_scale(tmp_path, 20_000, "64MB", threads=1, repeat=1)
    spyglass, baseline = runs["spyglass"][0], runs["baseline"][0]
    # 20,000 base rows, 1% removed and 1% added; 1% of rows changed in c1 and c8
    assert baseline.figures[:2] == (20_000, 20_000)
    assert spyglass.figures == baseline.figures and spyglass.figures[2] == 200
    assert spyglass.peak_rss_mb > 0 and spyglass.seconds > 0


@pytest.mark.slow
def test_spark_benchmark_runs_and_its_figures_agree() -> None:
    """In a process of its own: a process has one Spark session, and the suite's is configured otherwise."""
    if importlib.util.find_spec("pyspark") is None or shutil.which("java") is None:
        pytest.skip("the Spark benchmark needs pyspark and java (pip install 'spyglass[spark]')")
    done = subprocess.run([sys.executable, "-m", "benchmarks", "spark", "--", "--rows", "20000", "--repeat", "1",
                           "--cores", "1"], cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    # 20,000 base rows: 200 removed, 200 added, 200 changed in c1 and in c8
    assert "figures agree: (20000, 20000, 200, 0, 0, 0, 0, 0, 0, 200, 0, 0)" in done.stdout
    assert "ratio" in done.stdout and "driver JVM" in done.stdout
