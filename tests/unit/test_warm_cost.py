"""What keeps a warm single-file run cheap: cached facts keyed the same way in every process, and the
project-wide look-ups answered from them (issue 11)."""
import ast
import os
import subprocess
import sys

from uniqueguard.paths import DEFAULT_EXCLUDE, _compile, matches


def test_the_write_pattern_keying_cached_names_is_the_same_in_every_process():
    """The write pattern keys each file's cached helper names on disk. Built from a set in an order
    that depends on the hash seed, every process had its own key: no warm run found the names, each
    read the project's text again and added one more copy of the pattern to every entry."""
    program = ("from uniqueguard import orm; from uniqueguard.analysis.engine import _write_call; "
               "print(_write_call(orm.WRITES | frozenset(['publish', 'bump'])).pattern)")
    patterns = {subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True,
                               env=dict(os.environ, PYTHONHASHSEED=str(seed))).stdout for seed in range(6)}
    assert len(patterns) == 1


def test_the_literal_prefilter_keeps_the_globs_meaning():
    """`matches` first asks whether the glob's plain runs occur in the path at all."""
    paths = ["shop/tests/test_views.py", "shop/views.py", "a/b_tests/x.py", "shop/test_data/x.py",
             "migrations.py", "shop/migrations/0001.py", "x/factories/a.py", "tests", "a/tests_x.py"]
    for pattern in DEFAULT_EXCLUDE + ("shop/*.py", "**/v?ews.py", "a/**/x.py", "**"):
        for path in paths:
            assert matches(path, (pattern,)) == _compile(pattern)(path), (pattern, path)


def test_a_function_body_read_from_source_keeps_the_definition_not_its_module(project, monkeypatch):
    """Bodies followed into other modules (`index/sources.py`) are kept as the definitions asked for;
    whole module trees kept for them were the largest thing a run held (issue 9's memory target)."""
    import ast
    import gc
    import weakref

    from uniqueguard.index import project as project_module, sources

    project.write("shop/models.py", "from django.db import models\n\nclass Coupon(models.Model):\n"
                                    "    code = models.CharField(max_length=20, unique=True)\n\n"
                                    "    def save(self, *args, **kwargs):\n        super().save(*args, **kwargs)\n")
    project.write("shop/tokens.py", "import uuid\n\ndef new_code():\n    return uuid.uuid4().hex\n\n"
                                    "def other():\n    return 1\n")
    index = project_module.project_for(str(project.root / "shop" / "tokens.py"))
    trees = []
    real_parse = ast.parse
    monkeypatch.setattr(sources.ast, "parse", lambda *a, **k: trees.append(real_parse(*a, **k)) or trees[-1])
    function, names = sources.project_function(index, "shop.tokens.new_code")
    method, _ = sources.project_method(index, "shop.models.Coupon", "save")
    assert (function.name, method.name) == ("new_code", "save")
    assert sources.project_function(index, "shop.tokens.new_code")[0] is function  # asked again: kept
    assert len(trees) == 2
    modules = [weakref.ref(tree) for tree in trees]
    trees.clear()
    gc.collect()
    assert [ref() for ref in modules] == [None, None]
    assert sources.project_function(index, "shop.tokens.other")[0].name == "other"  # another member: read again


def test_name_search_reads_kept_bytes_and_matches_whole_words_only(project):
    """The call graph keeps files as bytes (a str with one non-Latin-1 character takes 2-4 bytes per
    character) and still finds a name as a word, in a file with such characters too."""
    from uniqueguard.analysis.graphs import graph_for
    from uniqueguard.index import project as project_module

    project.write("shop/services.py", "def issue(code):\n    return code\n")
    project.write("shop/views.py", "# “quoted” — 🎟\nfrom shop.services import issue\n\ndef f():\n    issue(1)\n")
    project.write("shop/other.py", "def reissue():\n    return reissue_all()\n")
    graph = graph_for(project_module.project_for(str(project.root / "shop" / "views.py")))
    found = sorted(os.path.relpath(p, project.root) for p in graph.candidates("issue"))
    assert found == ["shop/services.py", "shop/views.py"]
    assert all(isinstance(data, bytes) for data in graph._texts.values() if data is not None)
    assert graph.text(str(project.root / "shop" / "views.py")).startswith("# “quoted” — 🎟")


def test_a_flake8_run_does_not_load_openssl():
    """`hashlib` loads OpenSSL's libcrypto on import: 3.6 MB of resident memory in every flake8 run,
    about a tenth of flake8's own peak (issue 9: the plugin may add 20 %). The cache keys are SHA-1 of
    CPython's own module, the same digests."""
    import hashlib

    from uniqueguard.index.cache import sha1

    assert sha1(b"shop/models.py").hexdigest() == hashlib.sha1(b"shop/models.py").hexdigest()
    program = ("import sys; import uniqueguard.fronts.flake8_plugin; from uniqueguard.analysis import engine, "
               "callers; engine._import_analysis(); print('_hashlib' in sys.modules)")
    loaded = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "False"


COUNT_STATS = """
import collections, os, sys
from uniqueguard.analysis.engine import check_source
root, target, counting = sys.argv[1], sys.argv[2], sys.argv[3] == "count"
counts = collections.Counter()
real_stat = os.stat
def stat(path, *args, **kwargs):
    if isinstance(path, str) and path.startswith(root) and path.endswith(".py"):
        counts[os.path.relpath(path, root)] += 1
    return real_stat(path, *args, **kwargs)
if counting:
    os.stat = stat
with open(target, "rb") as handle:
    found = check_source(handle.read(), target)
print(dict(counts), [(f.line, f.code) for f in found])
"""


def test_a_warm_run_looks_at_a_file_a_helper_reaches_twice(project):
    """A warm single-file run checks a project file's cached entries against the disk once (its helper
    names, then its imports, under the stamp taken the first time: `JsonStore.seen`; the digest of what
    a helper's module reaches takes it too) and looks once more for where the module is. The files a
    helper's module reaches were stat'ed four times each, the helper's own seven: on shuup, 4,605 stats
    a run, 4,087 now."""
    project.write("shop/models.py", "from django.db import models\n\nclass Coupon(models.Model):\n"
                                    "    code = models.CharField(max_length=20, unique=True)\n")
    project.write("shop/services.py", "from shop.models import Coupon\nfrom shop import util\n\n\n"
                                      "def issue(code):\n    Coupon.objects.create(code=util.clean(code))\n")
    project.write("shop/util.py", "from shop import text\n\n\ndef clean(code):\n    return text.strip(code)\n")
    project.write("shop/text.py", "def strip(code):\n    return code.strip()\n")
    views = project.write("shop/views.py", "from django.db import IntegrityError\nfrom shop.services import issue\n\n\n"
                                           "def redeem(code):\n    issue(code)\n\n\ndef safe(code):\n    try:\n"
                                           "        issue(code)\n    except IntegrityError:\n        pass\n")
    command = [sys.executable, "-c", COUNT_STATS, str(project.root), str(views)]
    cold = subprocess.run(command + ["cold"], capture_output=True, text=True, check=True).stdout
    warm = subprocess.run(command + ["count"], capture_output=True, text=True, check=True).stdout
    findings = warm.split("} ", 1)[1]
    assert findings == cold.split("} ", 1)[1] == "[(6, 'UNQ001')]\n"  # the open call, cold and warm
    counts = ast.literal_eval(warm.split("} ", 1)[0] + "}")
    assert counts["shop/util.py"] <= 2 and counts["shop/text.py"] <= 2 and counts["shop/services.py"] <= 3, counts
