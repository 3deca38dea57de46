from __future__ import annotations

from ..visitor import Builder, Source


class AccountResolver:
    def resolve(self, builder: Builder) -> None:
        user = builder.user
        signed_in = bool(user is not None and user.is_authenticated)
        builder.add("signed_in", signed_in, Source.ACCOUNT if signed_in else Source.REQUEST)
