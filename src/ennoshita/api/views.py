"""Response and request schemas derived from the services' own view types, so that a field is declared once.

A schema names the service dataclass it shows (``view=``); its fields are the dataclass's fields, with their
types and defaults, in the dataclass's order. The class body adds what the API says differently: a narrower
type (``Literal``), a description, a field the API alone has; ``exclude=`` leaves out what the API does not
show, ``defaults=False`` drops the dataclass's defaults (an answer that always carries every field); a field a
base schema already has stays the base's (a detail schema extends its list schema with the rest of the view). The
OpenAPI document is the same as with the fields written out by hand (the API's own fields come after the view's,
so only the order of a ``required`` list can differ)::

    class ContractOut(ViewModel, view=contracts.ContractView):
        pass
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from pydantic import BaseModel, Field
from pydantic._internal._model_construction import ModelMetaclass


def _view_fields(view: type, exclude: tuple[str, ...]) -> list[tuple[str, Any, Any]]:
    """(name, type, default or ``...``) of the dataclass's fields, in order, without the excluded ones."""
    if not dataclasses.is_dataclass(view):
        raise TypeError(f"{view!r} is not a dataclass")
    hints = typing.get_type_hints(view)
    unknown = set(exclude) - {f.name for f in dataclasses.fields(view)}
    if unknown:
        raise TypeError(f"{view.__name__} has no fields {sorted(unknown)}")
    out: list[tuple[str, Any, Any]] = []
    for f in dataclasses.fields(view):
        if f.name in exclude:
            continue
        if f.default is not dataclasses.MISSING:
            default: Any = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = Field(default_factory=f.default_factory)
        else:
            default = ...
        out.append((f.name, hints[f.name], default))
    return out


class _ViewMeta(ModelMetaclass):
    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any],  # noqa: N804
                view: type | None = None, exclude: tuple[str, ...] = (), defaults: bool = True,
                **kwargs: Any) -> type:
        if view is not None:
            own: dict[str, Any] = dict(namespace.get("__annotations__", {}))
            inherited = {n for base in bases for n in getattr(base, "__pydantic_fields__", {})}
            annotations: dict[str, Any] = {}
            for field_name, hint, default in _view_fields(view, exclude):
                if field_name in inherited and field_name not in own:  # the base schema's already
                    continue
                if field_name in own:  # the API's own type for the field, in the view's place
                    annotations[field_name] = own.pop(field_name)
                    continue
                annotations[field_name] = hint
                if defaults and default is not ...:
                    namespace[field_name] = default
            annotations.update(own)  # the fields the API alone has, after the view's
            namespace["__annotations__"] = annotations
        return super().__new__(mcs, name, bases, namespace, **kwargs)


class ViewModel(BaseModel, metaclass=_ViewMeta):
    """A pydantic model whose fields come from a service's view dataclass (see the module)."""

    if typing.TYPE_CHECKING:
        def __init_subclass__(cls, *, view: type | None = None, exclude: tuple[str, ...] = (),
                              defaults: bool = True, **kwargs: Any) -> None: ...
