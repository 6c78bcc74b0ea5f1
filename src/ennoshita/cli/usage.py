"""Click's usage errors in the user's language (issue 13: "every message translated").

Typer's vendored click builds its messages with f-strings ("Missing argument 'file'.", "No such command
'nosuch'.", "Invalid value for '--port': …"). Every usage error of the ``ennoshita`` command passes through its
root group (``LazyGroup.make_context`` and ``invoke``: a subcommand is parsed inside the root's ``invoke``), where
:func:`translate` gives it the message of the catalogs' ``cli.usage.error.*`` keys, from what the exception
carries (its parameter, option name, possibilities) or, for the plain ones, from click's text. The English
catalog holds click's own words, so English reads as click writes it; a message this module does not know is
left as click wrote it. A mistyped command name is also matched against the groups not yet loaded (click only
knows the loaded ones).
"""

from __future__ import annotations

import re
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any

from typer._click import exceptions as errors

if TYPE_CHECKING:
    from typer import _click as click

KEY = "cli.usage.error."

_NO_SUCH_COMMAND = re.compile(r"No such command (?P<name>'.*'|\".*\")\.(?: Did you mean .*\?)?", re.S)
_EXTRA = re.compile(r"Got unexpected extra arguments? ?(?:\(s\))? \((?P<args>.*)\)", re.S)
_REQUIRES = re.compile(r"Option (?P<name>'.*'|\".*\") requires (?:an argument|(?P<count>\d+) arguments)\.", re.S)
_NO_VALUE = re.compile(r"Option (?P<name>'.*'|\".*\") does not take a value\.", re.S)
_ARGUMENT_VALUES = re.compile(r"Argument (?P<name>'.*'|\".*\") takes (?P<count>\d+) values\.", re.S)
_CHOICE = re.compile(r"(?:Value error, )?(?P<value>.*) is not one of (?P<choices>.*)\.", re.S)
_NOT_VALID = re.compile(r"Value (?P<value>.*) is not a valid (?P<type>.*)\.", re.S)
_PATH = re.compile(r"(?P<kind>file|directory|dir|path) (?P<path>.*) (?P<what>does not exist|is a file|is a directory|"
                   r"is not readable|is not writable)\.", re.I | re.S)
_PATH_KEYS = {"does not exist": "path_missing", "is a file": "path_is_file", "is a directory": "path_is_dir",
              "is not readable": "path_unreadable", "is not writable": "path_unwritable"}
# pydantic's error types (Typer 0.29 checks values with pydantic) -> the reason's key
_PYDANTIC = {"int_parsing": "int", "int_from_float": "int", "int_type": "int", "float_parsing": "float",
             "float_type": "float", "decimal_parsing": "float", "bool_parsing": "bool", "date_parsing": "date",
             "date_from_datetime_parsing": "date", "date_from_datetime_inexact": "date", "datetime_parsing": "datetime",
             "datetime_from_date_parsing": "datetime", "greater_than_equal": "ge", "greater_than": "gt",
             "less_than_equal": "le", "less_than": "lt"}
_LIMITS = {"ge": "ge", "gt": "gt", "le": "le", "lt": "lt"}


class _Say:
    def __init__(self, lang: str) -> None:
        from ennoshita.i18n import LANGUAGES, catalog

        self.lang = lang if lang in LANGUAGES else "ja"
        self.messages = catalog(self.lang)

    def __call__(self, key: str, **params: Any) -> str | None:
        text = self.messages.get(KEY + key)
        if text is None:
            return None
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return None


def translate(exc: click.ClickException, lang: str) -> None:
    """Give ``exc`` (a usage error on its way to be printed) its message in ``lang``; Typer's words (the error
    panel's title, "Usage:") follow."""
    from ennoshita.cli.helptext import use_words

    use_words(lang)
    if not isinstance(exc, errors.UsageError) or isinstance(exc, errors.NoArgsIsHelpError):
        return
    try:
        text = message(exc, _Say(lang))
    except Exception:  # noqa: BLE001 - a message we cannot rebuild is shown as click wrote it
        return
    if text is not None:
        exc.format_message = lambda: text  # type: ignore[method-assign]


def message(exc: errors.UsageError, say: _Say) -> str | None:
    """The message of ``exc`` from the catalog, or None when it is not one this module knows."""
    if isinstance(exc, errors.MissingParameter):
        return _missing(exc, say)
    if isinstance(exc, errors.BadParameter):
        hint = _hint(exc)
        reason = _reason(exc, say) or exc.message
        if hint is None:
            return say("invalid_value_unnamed", reason=reason)
        return say("invalid_value", name=hint, reason=reason)
    if isinstance(exc, errors.NoSuchOption):
        if exc.message != f"No such option: {exc.option_name}":
            return None
        if exc.possibilities:
            return say("no_such_option_suggest", name=exc.option_name,
                       names=", ".join(sorted(exc.possibilities)))
        return say("no_such_option", name=exc.option_name)
    text = exc.message
    if text == "Missing command.":
        return say("missing_command")
    if found := _NO_SUCH_COMMAND.fullmatch(text):
        return _no_such_command(exc, found["name"], say)
    if found := _EXTRA.fullmatch(text):
        return say("extra_arguments", args=found["args"])
    if found := _REQUIRES.fullmatch(text):
        if found["count"]:
            return say("requires_arguments", name=found["name"], count=found["count"])
        return say("requires_argument", name=found["name"])
    if found := _NO_VALUE.fullmatch(text):
        return say("no_value", name=found["name"])
    if found := _ARGUMENT_VALUES.fullmatch(text):
        return say("argument_values", name=found["name"], count=found["count"])
    return None


def _hint(exc: errors.BadParameter) -> str | None:
    if exc.param_hint is not None:
        return errors._join_param_hints(exc.param_hint)
    if exc.param is not None:
        return exc.param.get_error_hint()
    return None


def _missing(exc: errors.MissingParameter, say: _Say) -> str | None:
    kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
    kind_text = say(f"type.{kind}") or kind
    hint = _hint(exc)
    text = say("missing", type=kind_text, name=hint) if hint else say("missing_unnamed", type=kind_text)
    extra = exc.param.get_missing_message(ctx=exc.ctx) if exc.param is not None else ""
    if extra and extra.startswith("Choose from:"):
        extra = say("choose_from", choices=extra.partition("\n\t")[2]) or extra
    if exc.message or extra:
        text = f"{text} {' '.join(m for m in (exc.message, extra) if m)}"
    return text


def _reason(exc: errors.BadParameter, say: _Say) -> str | None:
    """click's or pydantic's reason for a bad value, when it is one of those the catalogs word; English keeps
    click's and pydantic's own (pydantic says more than the catalog: "…, input is too short")."""
    if say.lang == "en":
        return None
    cause = exc.__cause__
    errors_of = getattr(cause, "errors", None)
    if callable(errors_of):
        first = (errors_of() or [{}])[0]
        kind = _PYDANTIC.get(first.get("type", ""))
        if kind in _LIMITS:
            limit = (first.get("ctx") or {}).get(kind)
            return say(f"reason.{kind}", limit=limit) if limit is not None else None
        if kind is not None:
            return say(f"reason.{kind}")
    text = exc.message
    if found := _CHOICE.fullmatch(text):
        return say("reason.choice", value=found["value"], choices=found["choices"])
    if found := _NOT_VALID.fullmatch(text):
        return say("reason.not_valid", value=found["value"], type=found["type"])
    if found := _PATH.fullmatch(text):
        kind = found["kind"].lower()
        kind_text = say(f"type.{'directory' if kind == 'dir' else kind}") or found["kind"]
        return say(f"reason.{_PATH_KEYS[found['what']]}", kind=kind_text, path=found["path"])
    return None


def _no_such_command(exc: errors.UsageError, name: str, say: _Say) -> str | None:
    ctx = exc.ctx
    names: list[str] = []
    if ctx is not None and hasattr(ctx.command, "list_commands"):
        typed = name[1:-1]
        names = get_close_matches(typed, ctx.command.list_commands(ctx))
    if names:
        return say("no_such_command_suggest", name=name, names=", ".join(repr(n) for n in names))
    return say("no_such_command", name=name)
