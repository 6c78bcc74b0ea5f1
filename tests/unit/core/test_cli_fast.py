"""A command answered by a lean module (``ennoshita.cli.lazy.FAST``) looks exactly like the full one: same
options (names, flags, defaults, help) and the same help text, so that ``--help`` and every invocation read the
same whichever module answers."""

from __future__ import annotations

from ennoshita.cli.helptext import english
from ennoshita.cli.lazy import FAST, LAZY_GROUPS, load


def _shape(command: object) -> tuple[object, ...]:
    params = [(p.name, tuple(p.opts), p.default, english(p), p.required)  # type: ignore[attr-defined]
              for p in command.params]  # type: ignore[attr-defined]
    return english(command), tuple(params)


def test_every_fast_command_has_the_full_commands_options_and_help() -> None:
    for (group, name), module in FAST.items():
        lean = load((module,))[group].commands[name]  # type: ignore[attr-defined]
        full = load(LAZY_GROUPS[group][0])[group].commands[name]  # type: ignore[attr-defined]
        assert _shape(lean) == _shape(full), (group, name)
