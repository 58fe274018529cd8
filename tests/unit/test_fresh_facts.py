"""A long-running process (an editor's linter) sees a models or settings module changed on disk at the
next check (issue 10, item 4; reproducer d03 in shared/repro/reliability)."""
import os

from uniqueguard.index.project import project_for

TAG = "from django.db import models\n\nclass Tag(models.Model):\n    name = models.CharField(max_length=50{})\n"
VIEWS = "from shop.models import Tag\n\ndef add(request):\n    Tag.objects.create(name=request.POST['n'])\n"


def test_a_removed_and_a_restored_unique_field_show_at_the_next_check(project):
    models = project.write("shop/models.py", TAG.format(", unique=True"))
    project.write("shop/views.py", VIEWS)
    assert project.lint("shop/views.py") == [(4, "UNQ001")]
    models.write_text(TAG.format(""))
    assert project.lint("shop/views.py") == []
    models.write_text(TAG.format(", unique=True"))
    assert project.lint("shop/views.py") == [(4, "UNQ001")]


def test_a_change_with_the_same_size_and_an_older_mtime_still_shows(project):
    """Size and mtime as the disk cache compares them: an editor restoring a backup keeps the size."""
    models = project.write("shop/models.py", TAG.format(", unique=True"))
    project.write("shop/views.py", VIEWS)
    assert project.lint("shop/views.py") == [(4, "UNQ001")]
    before = os.stat(models)
    models.write_text(TAG.format(", db_index=11"))  # not unique, and the same size as before
    assert os.stat(models).st_size == before.st_size
    os.utime(models, ns=(before.st_atime_ns, before.st_mtime_ns - 10**9))
    assert project.lint("shop/views.py") == []


def test_settings_changed_on_disk_are_read_again(project):
    project.write("accounts/models.py", "from django.contrib.auth.models import AbstractUser\nfrom django.db import "
                  "models\n\nclass Member(AbstractUser):\n    nick = models.CharField(unique=True)\n")
    project.write("shop/views.py", "from django.contrib.auth import get_user_model\n\n"
                  "def add(request):\n    get_user_model().objects.create(nick=request.POST['n'])\n")
    assert project.lint("shop/views.py") == []  # auth.User: no unique nick
    settings = project.root / "site_conf" / "settings.py"
    settings.write_text(settings.read_text() + 'AUTH_USER_MODEL = "accounts.Member"\n')
    assert project.lint("shop/views.py") == [(4, "UNQ001")]


def test_the_index_is_kept_while_nothing_it_read_changed(project):
    project.write("shop/models.py", TAG.format(", unique=True"))
    views = project.write("shop/views.py", VIEWS)
    assert project.lint("shop/views.py") == [(4, "UNQ001")]
    kept = project_for(str(views))
    views.write_text(VIEWS + "\n# an edit of a module the index never read\n")
    assert project.lint("shop/views.py") == [(4, "UNQ001")]
    assert project_for(str(views)) is kept


def _counting_comparisons(monkeypatch):
    from uniqueguard.index.modules import ModuleIndex

    calls = []
    compare = ModuleIndex.changed_on_disk

    def counted(self):
        calls.append(1)
        return compare(self)
    monkeypatch.setattr(ModuleIndex, "changed_on_disk", counted)
    return calls


def test_a_named_run_compares_the_disk_once_and_the_next_run_sees_an_edit(project, monkeypatch):
    """A front's run (`start_run` with its options object, then its checks with that object) compares the
    index's files with the disk at its first check; the next run, and any other caller, compare again."""
    from uniqueguard.analysis.engine import check_source, start_run
    from uniqueguard.config import Options

    models = project.write("shop/models.py", TAG.format(", unique=True"))
    views = project.write("shop/views.py", VIEWS)
    other = project.write("shop/admin_views.py", VIEWS)
    calls = _counting_comparisons(monkeypatch)
    run = Options(root=str(project.root))

    def lint(path, options):
        return [f.code for f in check_source(path.read_bytes(), str(path), options) if not f.note]

    start_run([str(views), str(other)], run)
    assert lint(views, run) == ["UNQ001"] and lint(other, run) == ["UNQ001"] and lint(views, run) == ["UNQ001"]
    assert len(calls) <= 1  # its first check at most (the index may be built within the run)
    models.write_text(TAG.format(""))
    assert lint(views, Options(root=str(project.root))) == []  # another caller compares: sees the edit
    models.write_text(TAG.format(", unique=True"))
    start_run([str(views)], run)  # the next run of the same front
    assert lint(views, run) == ["UNQ001"]
    calls.clear()
    assert lint(views, Options(root=str(project.root))) == ["UNQ001"] and len(calls) == 1


def test_a_pylint_run_compares_the_disk_once(project, monkeypatch, capsys):
    """pylint builds its checkers after the plugin named the run: the run must begin with the options
    object the checks pass, or every module's check compares the index's files with the disk again."""
    from astroid import MANAGER
    from pylint.lint import Run

    project.write("shop/models.py", TAG.format(", unique=True"))
    for name in ("views", "admin_views", "api_views"):
        project.write(f"shop/{name}.py", VIEWS)
    MANAGER.clear_cache()  # modules an earlier test built would not be built (nor checked) again
    calls = _counting_comparisons(monkeypatch)
    monkeypatch.chdir(project.root)
    Run(["--load-plugins=uniqueguard", "--disable=all", "--enable=unguarded-create", "--persistent=n",
         "--rcfile=/dev/null", "--score=n", "--msg-template={path}:{line}:{symbol}", "shop"], exit=False)
    out = capsys.readouterr().out
    assert out.count("unguarded-create") == 3, out
    assert len(calls) <= 1
