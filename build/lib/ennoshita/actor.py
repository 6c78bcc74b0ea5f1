"""Who does something, and through which door (web, api, cli)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    via: str = "web"
    language: str = "ja"
    department: str | None = None

    @classmethod
    def system(cls, via: str = "cli") -> Actor:
        """The local operator (CLI on the server, demo loader): holds the admin role."""
        return cls(user_id=None, name="system", roles=frozenset({"admin"}), via=via)

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))
