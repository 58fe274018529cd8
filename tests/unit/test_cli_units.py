"""Small pieces of the command line that need no subprocess: selection and the progress bar."""
import io

from uniqueguard import cli


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_selection_matches_flake8_semantics():
    assert cli.selected_codes(None, None, None) == {"UNQ000", "UNQ001", "UNQ002", "UNQ003", "UNQ005"}
    assert "UNQ004" not in cli.selected_codes("UNQ", None, None)
    assert "UNQ004" in cli.selected_codes("UNQ", "UNQ004", None)
    assert cli.selected_codes("UNQ00", None, "UNQ000,UNQ005") == {"UNQ001", "UNQ002", "UNQ003", "UNQ004"}


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
