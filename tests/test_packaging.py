"""The installed program is complete: a wheel built from the checkout, installed into a fresh
virtual environment, seals and opens a sample case from outside the checkout (the panels
ship inside the package as ``reviewer/panels/``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_cases" / "yunling-craftsman-2026"
PASSPHRASE_FILE = ROOT / "sample_cases" / "yunling-craftsman-2026.passphrase"
SOURCES = ("reviewer", "panels", "pyproject.toml", "setup.py", "README.md")


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.mark.slow
def test_wheel_installs_with_its_panels_and_seals_and_opens_a_case(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in SOURCES:  # a copy: building must not litter the checkout
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, source / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "REVIEWER_DB")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "-w", str(dist), str(source)], tmp_path, env)
    wheels = list(dist.glob("reviewer-*.whl"))
    assert len(wheels) == 1
    import zipfile

    names = zipfile.ZipFile(wheels[0]).namelist()
    shipped = sorted(Path(n).name for n in names if n.startswith("reviewer/panels/"))
    assert shipped == sorted(p.name for p in (ROOT / "panels").glob("*.toml"))

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
          "--no-index", str(wheels[0])], tmp_path, env)
    elsewhere = tmp_path / "day"
    elsewhere.mkdir()
    where = _run([str(python), "-c", "import reviewer.domain.panel as p; print(p.panels_dir())"],
                 elsewhere, env).stdout.strip()
    assert Path(where).is_relative_to(env_dir), where
    reviewer = str(bindir / "reviewer")
    bundle = elsewhere / "case.rvb"
    _run([reviewer, "seal", str(SAMPLE), "-o", str(bundle), "--passphrase-file",
          str(PASSPHRASE_FILE)], elsewhere, env)
    shown = _run([reviewer, "inspect", str(bundle), "--passphrase-file", str(PASSPHRASE_FILE)],
                 elsewhere, env).stdout
    assert "云岭工匠" in shown
    env["REVIEWER_DB"] = f"sqlite:///{elsewhere / 'day.db'}"
    audit = _run([reviewer, "audit", "verify", str(bundle), "--passphrase-file",
                  str(PASSPHRASE_FILE)], elsewhere, env).stdout
    assert audit.strip()
    assert (elsewhere / "day.db").is_file()


def test_reportlab_runs_on_its_c_helpers() -> None:
    """``reportlab[accel]`` is a declared dependency: without ``rl_accel`` ReportLab falls back
    to Python for number formatting, text widths and ASCII85 (18 % of laying out the
    2,000-application report), silently, so an install that missed it is caught here."""
    from reportlab.lib import rl_accel

    assert not rl_accel._py_funcs, f"pure-Python fallbacks in use: {sorted(rl_accel._py_funcs)}"
