"""The navigation by department. Each domain registers its pages; each user sees what their roles allow."""

from __future__ import annotations

from dataclasses import dataclass

from ennoshita.actor import Actor
from ennoshita.identity import can

# Department sections in the order Japanese back offices list them.
SECTIONS = ("accounting", "sales_admin", "purchasing", "hr", "general_affairs", "legal", "desk", "admin")


@dataclass(frozen=True)
class NavItem:
    section: str
    label_key: str
    href: str
    capability: str
    order: int = 100


_ITEMS: list[NavItem] = []


def register(item: NavItem) -> None:
    if item not in _ITEMS:
        _ITEMS.append(item)


@dataclass(frozen=True)
class NavSection:
    key: str
    items: tuple[NavItem, ...]


def for_actor(actor: Actor) -> list[NavSection]:
    sections = []
    for key in SECTIONS:
        items = sorted((i for i in _ITEMS if i.section == key and can(actor, i.capability)),
                       key=lambda i: (i.order, i.href))
        if items:
            sections.append(NavSection(key, tuple(items)))
    return sections


register(NavItem("admin", "nav.company", "/admin/company", "company.view", 10))
register(NavItem("admin", "nav.users", "/admin/users", "users.view", 20))
register(NavItem("admin", "nav.audit", "/audit", "audit.view", 30))
