"""The virtual environments compared side by side: flake8 alone, flake8 with the plugin, pylint with it.

Both flake8 environments pin the same flake8 version, so the only difference is the plugin.
"""
from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def _venv(path: str, requirements, with_repository: bool) -> str:
    python = os.path.join(path, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", path], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", *requirements], check=True)
    if with_repository:  # always the working tree's current code
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps", REPOSITORY],
                       check=True)
    return python


def build(cache: str) -> dict:
    flake8 = f"flake8=={_version('flake8')}" if _version("flake8") else "flake8"
    pylint = f"pylint=={_version('pylint')}" if _version("pylint") else "pylint"
    root = os.path.join(cache, "envs")
    plugin_requirements = [flake8, pylint, "astroid", "tomli; python_version < '3.11'"]
    return {
        "flake8": _venv(os.path.join(root, "flake8-only"), [flake8], False),
        "plugin": _venv(os.path.join(root, "flake8-plugin"), plugin_requirements, True),
    }
