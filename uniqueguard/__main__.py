"""`python -m uniqueguard check .` — the same command line as the `uniqueguard` script."""
from .fronts.cli import main_exit

main_exit()
