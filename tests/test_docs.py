"""The README documents every command, option and setting (a test fails when one is not)."""

from __future__ import annotations

import argparse
import re

from diplosearch.cli import _parser
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subparsers():
    parser = _parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


def test_every_command_is_in_the_readme():
    for name in _subparsers():
        assert f"`{name}" in README, f"command {name} is not documented"


def test_every_option_is_in_the_readme():
    for name, sub in _subparsers().items():
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option not in ("--help",):
                    assert option in README, f"{name} {option} is not documented"


def test_every_environment_setting_is_in_the_readme():
    used = set()
    for path in list(ROOT.glob("*/*.py")):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        used |= set(re.findall(r"DIPSEARCH_[A-Z_]+", path.read_text(encoding="utf-8")))
    assert used, "no settings found: the test would prove nothing"
    for name in used:
        assert name in README, f"setting {name} is not documented"


def test_readme_shows_the_two_setup_commands_first():
    assert README.index("make run") < README.index("## A five-minute tour")
    assert "make test" in README
