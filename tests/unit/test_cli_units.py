"""Small pieces of the command line that need no subprocess: selection and the progress bar."""
import io
import json

from uniqueguard.fronts import cli
from uniqueguard.findings import Finding
from uniqueguard.fronts.output import github, sarif
from uniqueguard.selection import selected_codes


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_selection_matches_flake8_semantics():
    assert selected_codes(None, (), ()) == {"UNQ000", "UNQ001", "UNQ002", "UNQ003", "UNQ005"}
    assert "UNQ004" not in selected_codes(("UNQ",), (), ())
    assert "UNQ004" in selected_codes(("UNQ",), ("UNQ004",), ())
    assert selected_codes(("UNQ00",), (), ("UNQ000", "UNQ005")) == {"UNQ001", "UNQ002", "UNQ003", "UNQ004"}


def test_progress_bar_only_on_a_terminal_and_for_large_runs(monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(cli.sys, "stderr", terminal)
    bar = cli._Progress(400, enabled=True)
    for _ in range(400):
        bar.step()
    bar.close()
    assert terminal.getvalue().rstrip().endswith("] 400/400 files")
    assert terminal.getvalue().count("\r") == 20

    small = FakeTerminal()
    monkeypatch.setattr(cli.sys, "stderr", small)
    bar = cli._Progress(10, enabled=True)
    bar.step()
    bar.close()
    assert small.getvalue() == ""

    piped = io.StringIO()
    monkeypatch.setattr(cli.sys, "stderr", piped)
    bar = cli._Progress(400, enabled=True)
    bar.step()
    bar.close()
    assert piped.getvalue() == ""


def test_sarif_and_github_columns_count_characters_not_utf8_bytes(tmp_path):
    """The engine's columns are UTF-8 byte offsets (as in flake8 and pylint); GitHub counts characters."""
    path = tmp_path / "views.py"
    path.write_text("# -*- coding: latin-1 -*-\nname = 'Zoë'; Tag.objects.create(name=name)\n", encoding="latin-1")
    byte_col = len("name = 'Zoë'; ".encode("utf-8"))  # 15: ë is two bytes in UTF-8
    found = [Finding(str(path), 2, byte_col, "UNQ001", "m", end_line=2, end_col=byte_col + 29)]
    result = json.loads(sarif(found, str, ["fp"]))["runs"][0]["results"][0]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"]) == (15, 44)  # 1-based characters; bytes would give (16, 45)
    assert "col=15," in github(found, str, ["fp"]) and "endColumn=44," in github(found, str, ["fp"])
