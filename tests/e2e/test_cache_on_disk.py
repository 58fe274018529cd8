"""The facts cache as a user meets it, through the command line (issue 10, item 8; reproducer d11): an
entry of the wrong shape costs a re-read, never an internal error, and a run prunes the cache files of
project roots that are gone."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

from .harness import environment

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "registration"


def _check(tree: Path, cache: Path):
    env = environment({"UNIQUEGUARD_CACHE_DIR": str(cache)})
    env.pop("UNIQUEGUARD_NO_CACHE")
    result = subprocess.run([sys.executable, "-m", "uniqueguard", "check", "--format", "json", "."], cwd=str(tree),
                            capture_output=True, text=True, env=env, timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, sorted((row["path"], row["line"], row["code"]) for row in json.loads(result.stdout))


def test_a_cache_entry_of_the_wrong_shape_is_rebuilt(tmp_path):
    tree, cache = tmp_path / "registration", tmp_path / "cache"
    shutil.copytree(EXAMPLE, tree)
    clean = _check(tree, cache)
    assert clean[0] == 1 and clean[1]
    (cache_file,) = [p for p in cache.glob("*.json") if "-" not in p.stem]  # the facts file (others: "<root>-<kind>")
    data = json.loads(cache_file.read_text())
    (key,) = [k for k in data["entries"] if k.endswith("accounts/models.py")]
    facts = json.loads(data["entries"][key]["facts"])  # each entry's facts are JSON text of their own
    facts["classes"] = [None]  # valid JSON, the stamp still matches
    data["entries"][key]["facts"] = json.dumps(facts)
    cache_file.write_text(json.dumps(data))
    assert _check(tree, cache) == clean
    assert _check(tree, cache) == clean  # and the rebuilt entry serves the next run


def test_a_run_prunes_the_cache_of_a_removed_checkout(tmp_path):
    tree, cache, removed = tmp_path / "registration", tmp_path / "cache", tmp_path / "old-checkout"
    shutil.copytree(EXAMPLE, tree)
    shutil.copytree(EXAMPLE, removed)
    _check(removed, cache)
    shutil.rmtree(removed)
    assert _roots(cache) == {str(removed)}
    _check(tree, cache)
    assert _roots(cache) == {str(tree)}


def _roots(cache: Path) -> set:
    """The project roots the cache folder holds files for (facts, call graph: one file per kind)."""
    return {json.loads(path.read_text())["root"] for path in cache.glob("*.json")}
