"""SARIF for GitHub code scanning (issue 14 item 5), through the real command line: URIs relative to the
repository root whatever folder the run starts in, validated against the official schema, each rule with
its docs page, precision, severity and tags, and no link to a page that does not exist."""
import json
import shutil
import subprocess

import pytest

from .harness import FIXTURES
from .test_command_line import SCHEMA, cli

REGISTRATION = FIXTURES / "core" / "registration"


def _validate(document):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text())
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(document), key=str)
    assert not errors, errors[:3]


def _uris(document):
    return sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"])


def test_uris_are_relative_to_the_git_root_from_any_folder(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(REGISTRATION, repo / "web")
    subprocess.run(["git", "init", "-q"], cwd=str(repo), check=True)
    from_root = json.loads(cli(repo, "check", "--format", "sarif", "web").stdout)
    from_project = json.loads(cli(repo / "web", "check", "--format", "sarif", ".").stdout)
    from_app = json.loads(cli(repo / "web" / "accounts", "check", "--format", "sarif", ".").stdout)
    for document in (from_root, from_project, from_app):
        _validate(document)
        assert "web/accounts/views.py" in _uris(document)
        assert all(uri.startswith("web/") for uri in _uris(document))
        assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
                   for r in document["runs"][0]["results"])
        assert document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    # The same finding has the same fingerprint whichever folder the run started in.
    prints = [{r["partialFingerprints"]["uniqueguard/v1"] for r in d["runs"][0]["results"]}
              for d in (from_root, from_project)]
    assert prints[0] == prints[1]
    github = cli(repo / "web", "check", "--format", "github", "accounts/views.py").stdout
    assert github.startswith("::warning file=web/accounts/views.py,")
    chosen = json.loads(cli(repo / "web", "check", "--format", "sarif", "--sarif-root", ".", ".").stdout)
    assert "accounts/views.py" in _uris(chosen)


def test_rules_carry_help_precision_severity_and_tags():
    document = json.loads(cli(REGISTRATION, "check", "--format", "sarif", "--sarif-root", ".", ".").stdout)
    _validate(document)
    driver = document["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver
    for rule in driver["rules"]:
        assert "helpUri" not in rule
        assert rule["help"]["markdown"].startswith(f"# {rule['id']} `{rule['name']}`")
        assert rule["properties"]["precision"] in ("very-high", "high", "medium", "low")
        assert rule["properties"]["problem.severity"] in ("error", "warning", "recommendation")
        assert "correctness" in rule["properties"]["tags"]
    by_id = {rule["id"]: rule for rule in driver["rules"]}
    assert by_id["UNQ001"]["properties"]["precision"] == "high"
    assert by_id["UNQ004"]["properties"]["problem.severity"] == "recommendation"
