"""The files that mention a name, kept between processes for one state of the tree (issue 11's
single-file cost): a warm run answers from the helper store, reading no file, and any change to the
tree's files is a search again."""
import os

import pytest

from uniqueguard.analysis.graphs import graph_for
from uniqueguard.index import callgraph
from uniqueguard.index.project import Project as Index

SERVICES = "def issue(code):\n    return code\n\ndef grant(user):\n    return user\n"
VIEWS = "from shop.services import issue, grant\n\ndef f():\n    issue(1)\n    grant(2)\n"


@pytest.fixture
def shop(project, tmp_path):
    project.write("shop/__init__.py", "")
    project.write("shop/services.py", SERVICES)
    project.write("shop/views.py", VIEWS)
    project.write("shop/other.py", "def reissue():\n    return 1\n")
    project.cache = tmp_path / "graph-cache"
    return project


def _graph(project):
    """The call graph a new process builds for the project, over the same cache folder."""
    return graph_for(Index(str(project.root), cache_dir=str(project.cache)))


def _searched(project, names, reads=None):
    """`names`' candidates (relative paths; None: too many) as a new process finds them, and saves."""
    graph = _graph(project)
    if reads is not None:
        real = graph._data
        graph._data = lambda path: reads.append(os.path.relpath(path, project.root)) or real(path)
    graph._find_candidates(names)
    found = {name: _relative(project, graph.candidates(name)) for name in names}
    graph.summaries.save()
    return found


def _relative(project, paths):
    return None if paths is None else sorted(os.path.relpath(p, project.root) for p in paths)


def test_a_warm_process_recalls_the_candidates_without_reading_a_file(shop):
    cold = _searched(shop, ["issue", "grant"])
    assert cold == {"issue": ["shop/services.py", "shop/views.py"], "grant": ["shop/services.py", "shop/views.py"]}
    reads = []
    assert _searched(shop, ["issue", "grant"], reads) == cold
    assert reads == []
    assert _searched(shop, ["issue", "reissue"], reads)["reissue"] == ["shop/other.py"]  # a new name: searched
    assert reads != []


def test_an_edited_file_is_searched_again(shop):
    _searched(shop, ["issue", "grant"])
    shop.write("shop/other.py", "from shop.services import issue\n\ndef reissue():\n    return issue(2)\n")
    reads = []
    assert _searched(shop, ["issue", "grant"], reads)["issue"] == ["shop/other.py", "shop/services.py",
                                                                   "shop/views.py"]
    assert "shop/other.py" in reads


def test_a_new_file_is_searched(shop):
    _searched(shop, ["issue", "grant"])
    shop.write("shop/jobs.py", "from shop.services import grant\n\ndef run():\n    grant(3)\n")
    assert _searched(shop, ["issue", "grant"])["grant"] == ["shop/jobs.py", "shop/services.py", "shop/views.py"]


def test_a_name_too_many_files_mention_is_recalled_as_such(shop, monkeypatch):
    monkeypatch.setattr(callgraph, "MAX_CANDIDATE_MODULES", 1)
    assert _searched(shop, ["issue", "reissue"]) == {"issue": None, "reissue": ["shop/other.py"]}
    assert _graph(shop).summaries.extras[callgraph.CANDIDATES]["names"]["issue"] is None  # not its files
    reads = []
    assert _searched(shop, ["issue", "reissue"], reads) == {"issue": None, "reissue": ["shop/other.py"]}
    assert reads == []


@pytest.mark.parametrize("record", [
    "text", {"tree": 1, "names": {}}, {"names": {"issue": ["x"]}}, {"tree": None, "names": []},
    {"tree": "*", "names": {"issue": "shop/views.py", "grant": [1]}},
])
def test_an_odd_record_is_searched_again(shop, record):
    cold = _searched(shop, ["issue", "grant"])
    graph = _graph(shop)
    if isinstance(record, dict) and record.get("tree") == "*":
        record = dict(record, tree=graph._tree_print())
    graph.summaries.keep(callgraph.CANDIDATES, record)
    graph.summaries.save()
    assert _searched(shop, ["issue", "grant"]) == cold


def test_without_a_cache_folder_nothing_is_kept(shop):
    graph = graph_for(Index(str(shop.root), cache_dir=None))
    graph._find_candidates(["issue", "grant"])
    assert _relative(shop, graph.candidates("issue")) == ["shop/services.py", "shop/views.py"]
    assert graph.summaries.extras == {} and graph._tree is None
