"""One option specification (config.SPEC and HELP) turned into the options of each front end.

Every setting has one spelling: `name` in a configuration file, `--uniqueguard-<name>` in flake8 and
pylint (their command lines and their own config files), `--<name>` on the command line. A true/false
setting is a flag everywhere: `--[uniqueguard-]<name>` turns it on, `--[uniqueguard-]no-<name>` turns it
off, and a config file writes `name = true|false` (or yes/no). Adding a setting to config.SPEC adds it to
all three front ends; nothing here names a particular setting.
"""
from __future__ import annotations

import argparse
import sys
from typing import Any, Dict, Iterable

from ..config import HELP, HOST_OPTIONS, SPEC, is_flag, is_list

METAVARS = {"text": "VALUE", "list": "A,B"}


def attribute(name: str, prefix: str = "uniqueguard_") -> str:
    return prefix + name.replace("-", "_")


def _mapping(source: Any, names: Iterable[str], prefix: str) -> Dict[str, Any]:
    return {name: getattr(source, attribute(name, prefix), None) for name in names}


# ------------------------------------------------------------------------------------------- flake8
def add_flake8_options(parser) -> None:
    """`--uniqueguard-<name>`; flags are store_const options, so flake8's config file hands their value
    over as raw text (`uniqueguard-strict = maybe` is then a clear error, not a traceback from
    configparser's getboolean)."""
    for name in HOST_OPTIONS:
        if is_flag(name):
            parser.add_option(f"--uniqueguard-{name}", action="store_const", const="true", default=None,
                              parse_from_config=True, dest=attribute(name), help=f"uniqueguard: {HELP[name]}")
            parser.add_option(f"--uniqueguard-no-{name}", action="store_const", const="false", default=None,
                              dest=attribute(name), help=f"uniqueguard: turn --uniqueguard-{name} off")
        else:
            parser.add_option(f"--uniqueguard-{name}", default=None, parse_from_config=True, dest=attribute(name),
                              metavar=METAVARS.get(_kind(name), "VALUE"), help=f"uniqueguard: {HELP[name]}")


def flake8_mapping(options) -> Dict[str, Any]:
    return _mapping(options, HOST_OPTIONS, "uniqueguard_")


# ------------------------------------------------------------------------------------------- pylint
BOOLEAN_WORDS = ("1", "true", "yes", "y", "on", "0", "false", "no", "n", "off")


def _pylint_flag_action():
    """An argparse action for a pylint flag. pylint hands an rc file's `uniqueguard-strict=no` over as two
    arguments (`--uniqueguard-strict no`), so the flag takes an optional value. On the command line that
    optional value may swallow the path typed after the flag: a value that is no true/false word and was
    typed apart from the flag goes back among the leftover arguments, which pylint lints."""
    from pylint.config.callback_actions import _CallbackAction  # pylint's hook for such options

    class Flag(_CallbackAction):
        def __init__(self, option_strings, dest, **kwargs):
            # `--uniqueguard-no-x` keeps its own dest (pylint's --generate-rcfile reads one per option)
            # and sets the setting's.
            self.setting = dest.replace("uniqueguard_no_", "uniqueguard_", 1)
            self.turns_on = self.setting == dest
            super().__init__(option_strings, dest, nargs="?", help=kwargs.get("help"), metavar=kwargs.get("metavar"))

        def __call__(self, parser, namespace, values, option_string=None):
            if values is not None and str(values).strip().lower() not in BOOLEAN_WORDS and \
                    _typed_apart(option_string, values):
                leftovers = getattr(namespace, argparse._UNRECOGNIZED_ARGS_ATTR, [])
                setattr(namespace, argparse._UNRECOGNIZED_ARGS_ATTR, leftovers + [values])
                values = None
            if values is None:
                values = "true" if self.turns_on else "false"
            elif not self.turns_on:
                values = f"not {values}"  # `--uniqueguard-no-x=yes` is not a value uniqueguard accepts
            setattr(namespace, self.setting, values)

    return Flag


def _typed_apart(option_string, value) -> bool:
    argv = sys.argv[1:]
    return any(argv[i] == option_string and argv[i + 1] == value for i in range(len(argv) - 1))


def pylint_options() -> tuple:
    options = []
    for name in HOST_OPTIONS:
        if is_flag(name):
            flag = _pylint_flag_action()
            options.append((f"uniqueguard-{name}", {"action": flag, "metavar": "<yes or no>", "help": HELP[name]}))
            options.append((f"uniqueguard-no-{name}", {"action": flag, "metavar": "",
                                                       "help": f"turn --uniqueguard-{name} off"}))
        else:
            options.append((f"uniqueguard-{name}", {"default": None, "type": "string",
                                                    "metavar": f"<{METAVARS.get(_kind(name), 'VALUE').lower()}>",
                                                    "help": HELP[name]}))
    return tuple(options)


def pylint_mapping(config) -> Dict[str, Any]:
    return _mapping(config, HOST_OPTIONS, "uniqueguard_")


# ------------------------------------------------------------------------------------- command line
def add_cli_options(parser: argparse.ArgumentParser) -> None:
    """`--<name>` for every setting, selection included; flags as `--<name>` / `--no-<name>`."""
    for name in SPEC:
        if is_flag(name):
            parser.add_argument(f"--{name}", action=argparse.BooleanOptionalAction, default=None,
                                dest=attribute(name, "option_"), help=HELP[name])
        else:
            parser.add_argument(f"--{name}", metavar=METAVARS.get(_kind(name), "VALUE").replace("VALUE", name.upper()),
                                dest=attribute(name, "option_"), help=HELP[name])


def cli_mapping(args) -> Dict[str, Any]:
    return _mapping(args, SPEC, "option_")


def _kind(name: str) -> str:
    return "list" if is_list(name) else "text"
