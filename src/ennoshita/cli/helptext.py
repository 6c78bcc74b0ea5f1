"""The command line's help in the user's language (issue 13: "every message translated").

Typer takes a command's help from its docstring and an option's from ``help=``: English, in the code. Here each
is looked up in the message catalogs by a key made from where it stands, in the CLI's language
(:func:`ennoshita.cli.common.cli_language`), with the code's English as the fallback when a catalog has no key:

- a command or group: ``cli.help.<path>``, the command names from the root joined by ``.`` (the root itself is
  ``cli.help.ennoshita``; ``cli.help.journal``, ``cli.help.journal.import``, ``cli.help.sales.billing-run``);
- a parameter: ``cli.help.<path>:<name>`` with click's parameter name (``cli.help.journal.import:fmt``), else
  ``cli.help.param:<name>`` for a parameter every command shares alike (``database_url``, ``as_user``, ``help``).

:func:`localise` applies them when a help page is made (:class:`HelpContext`, which :func:`prepare` gives every
command where the commands are built: the root's own in ``LazyGroup.main``, a lazily loaded group or the lean
trial balance when it is resolved), to the command whose page it is and everything below it (for the root, the
stubs that list the groups not yet loaded), so a command that prints no help reads no catalog. The code's English
stays on each object, so the same process can speak either language. Typer's and click's own words
(the panels' titles, ``Usage:``, ``[default: …]``, "Try … for help.") are set by :func:`use_words`, called
only when help or an error is about to be printed (it imports Typer's rich formatting, which a plain command
does not need); click's usage errors are translated by :mod:`ennoshita.cli.usage`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from typer._click.core import Context

if TYPE_CHECKING:
    from typer import _click as click

ROOT = "ennoshita"
PREFIX = "cli.help."
SHARED = "cli.help.param:"
_ENGLISH = "_ennoshita_english_help"  # the code's help, kept on the command or parameter the first time


def command_key(path: str) -> str:
    return PREFIX + path


def param_key(path: str, name: str) -> str:
    return f"{PREFIX}{path}:{name}"


def shared_key(name: str) -> str:
    return SHARED + name


def child_path(path: str, name: str) -> str:
    """The path of a subcommand: the root's own name is not part of its children's paths."""
    return name if path == ROOT else f"{path}.{name}"


def english(obj: Any) -> str | None:
    """The help the code gave ``obj`` (a command or a parameter), whatever language it shows now."""
    help_text: str | None = vars(obj).get(_ENGLISH, obj.help)
    return help_text


def _messages(lang: str) -> dict[str, str]:
    from ennoshita.i18n import LANGUAGES, catalog

    return catalog(lang if lang in LANGUAGES else "ja")


def _set(obj: Any, text: str | None) -> None:
    original = vars(obj).setdefault(_ENGLISH, obj.help)
    obj.help = text or original


def param_help(messages: dict[str, str], path: str, param: click.Parameter) -> str | None:
    """The help of one parameter in the catalog's language: its own key, the shared key, or the code's."""
    return messages.get(param_key(path, param.name or "")) or messages.get(shared_key(param.name or ""))


def localise(command: click.Command, path: str, lang: str) -> None:
    """Give ``command`` (at ``path``), its parameters and, for a group, every subcommand below it (and the root's
    stubs of the groups not yet loaded) the help of the catalog of ``lang``; the code's English where the
    catalog has no key."""
    _localise(command, path, _messages(lang))


def _localise(command: click.Command, path: str, messages: dict[str, str]) -> None:
    _set(command, messages.get(command_key(path)))
    if command.context_class is Context:
        command.context_class = HelpContext
    for param in command.params:
        if english(param):
            _set(param, param_help(messages, path, param))
    for name, sub in _subcommands(command).items():
        _localise(sub, child_path(path, name), messages)


def _subcommands(command: click.Command) -> dict[str, click.Command]:
    stubs: dict[str, click.Command] = getattr(command, "stubs", None) or {}
    return {**stubs, **(getattr(command, "commands", None) or {})}


def prepare(command: click.Command) -> None:
    """Let ``command`` and every subcommand below it make their help page in the CLI's language
    (:class:`HelpContext`). This reads no catalog: a command that prints no help does not pay for it."""
    if command.context_class is Context:
        command.context_class = HelpContext
    for sub in _subcommands(command).values():
        prepare(sub)


def context_path(ctx: click.Context) -> str:
    """The key path of the command ``ctx`` runs: the names of the commands below the root."""
    names: list[str] = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return ".".join(reversed(names)) or ROOT


# Typer's and click's own words: rich_utils' module constants (read when help or an error is printed) and the
# usage line's prefix (click's HelpFormatter.write_usage, and the highlighter that colours it).
WORDS = {
    "ARGUMENTS_PANEL_TITLE": "cli.usage.panel.arguments",
    "OPTIONS_PANEL_TITLE": "cli.usage.panel.options",
    "COMMANDS_PANEL_TITLE": "cli.usage.panel.commands",
    "ERRORS_PANEL_TITLE": "cli.usage.panel.error",
    "DEFAULT_STRING": "cli.usage.default",
    "ENVVAR_STRING": "cli.usage.envvar",
    "REQUIRED_LONG_STRING": "cli.usage.required",
    "DEPRECATED_STRING": "cli.usage.deprecated",
    "ABORTED_TEXT": "cli.usage.aborted",
    "RICH_HELP": "cli.usage.try_help",
}
USAGE_PREFIX = "cli.usage.prefix"
_ORIGINAL_WORDS: dict[str, Any] = {}
_spoken: list[str] = []  # the language the words are in now (empty: Typer's own, untouched)


def use_words(lang: str) -> None:
    """Typer's and click's words in ``lang``: Japanese from the catalog, English as Typer has them."""
    if _spoken == [lang] or (not _spoken and lang != "ja"):
        return
    from typer import rich_utils
    from typer._click import formatting

    if not _ORIGINAL_WORDS:
        _ORIGINAL_WORDS.update({name: getattr(rich_utils, name) for name in WORDS})
        _ORIGINAL_WORDS["write_usage"] = formatting.HelpFormatter.write_usage
        _ORIGINAL_WORDS["highlights"] = list(rich_utils.OptionHighlighter.highlights)
        _ORIGINAL_WORDS["_make_rich_text"] = rich_utils._make_rich_text
    if lang == "ja":
        messages = _messages("ja")
        for name, key in WORDS.items():
            setattr(rich_utils, name, messages.get(key, _ORIGINAL_WORDS[name]))
        japanese = messages.get(USAGE_PREFIX, "Usage: ")
        write_usage = _ORIGINAL_WORDS["write_usage"]

        def write_usage_in_japanese(self: click.HelpFormatter, prog: str, args: str = "",
                                    prefix: str | None = None) -> None:
            write_usage(self, prog, args, japanese if prefix is None else prefix)

        formatting.HelpFormatter.write_usage = write_usage_in_japanese  # type: ignore[method-assign]
        rich_utils.OptionHighlighter.highlights = [
            *_ORIGINAL_WORDS["highlights"], rf"(?P<usage>{re.escape(japanese)})"]
        rich_utils._make_rich_text = _folding(_ORIGINAL_WORDS["_make_rich_text"])
    else:
        for name in WORDS:
            setattr(rich_utils, name, _ORIGINAL_WORDS[name])
        formatting.HelpFormatter.write_usage = _ORIGINAL_WORDS["write_usage"]  # type: ignore[method-assign]
        rich_utils.OptionHighlighter.highlights = list(_ORIGINAL_WORDS["highlights"])
        rich_utils._make_rich_text = _ORIGINAL_WORDS["_make_rich_text"]
    _spoken[:] = [lang]


def _folding(make: Any) -> Any:
    """Typer's help text maker, whose texts fold where a table's cell ends. rich breaks lines at spaces only, and
    Japanese has none: a sentence is one "word", which a cell of the options or commands table cut with "…"."""

    def make_rich_text(*, text: str, style: str = "", markup_mode: Any) -> Any:
        made = make(text=text, style=style, markup_mode=markup_mode)
        if hasattr(made, "overflow"):
            made.overflow = "fold"
        return made

    return make_rich_text


class HelpContext(Context):
    """A command's context whose help page speaks the CLI's language: the help of the command and of everything
    it lists, Typer's words and the ``--help`` option's own line are set just before the page is made."""

    def get_help(self) -> str:
        from ennoshita.cli.common import cli_language

        lang = cli_language()
        use_words(lang)
        localise(self.command, context_path(self), lang)
        option = self.command.get_help_option(self)
        if option is not None:
            _set(option, _messages(lang).get(shared_key("help")))
        return super().get_help()
