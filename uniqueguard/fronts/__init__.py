"""The front doors: the flake8 and pylint plugins, the command line, its output formats and baselines.

Fronts translate; they decide nothing about Django. Each hands the engine (`uniqueguard.analysis.engine`)
a module and turns the `Finding` records it returns into its host's messages.
"""
