from __future__ import annotations

from ..profiling import answers_for
from ..visitor import Builder, Source


class ProfileResolver:
    """Progressive-profiling answers as facts: answer.pet, answer.name, …"""

    def resolve(self, builder: Builder) -> None:
        if builder.request is None:
            return
        answers = answers_for(builder.request)
        for key, entry in answers.items():
            builder.add(f"answer.{key}", entry["value"], Source.ANSWER)
        builder.add("answer_count", len(answers), Source.ANSWER)
