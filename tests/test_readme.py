"""The README's quick start and command lines are real: the targets exist and every documented command parses."""
from __future__ import annotations

import pathlib
import re
import shlex

import pytest

import cli

ROOT = pathlib.Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()


def test_quick_start_is_two_make_commands_that_exist():
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^make (\w+)", quick, flags=re.M)
    assert commands == ["run", "test"]
    makefile = (ROOT / "Makefile").read_text()
    for target in commands:
        assert re.search(rf"^{target}:", makefile, flags=re.M), target
    assert "make test" in (ROOT / ".ci" / "run").read_text()


CLI_LINES = re.findall(r"^\.venv/bin/python cli\.py (.+)$", README, flags=re.M)


def test_readme_documents_every_subcommand():
    assert {line.split()[0] for line in CLI_LINES} == {"sample", "load", "attribute", "deck"}


@pytest.mark.parametrize("line", CLI_LINES)
def test_every_documented_command_line_parses(line):
    # drop the optional [..] parts and the FILE... placeholder, then let argparse judge the rest
    text = re.sub(r"\[[^\]]*\]", "", line).replace("FILE...", "export.csv")
    args = cli.build_parser().parse_args(shlex.split(text))
    assert args.command == text.split()[0]
