"""Resolvers: each adds facts about the visitor to a Builder, listed in
settings.PERSONALIZATION_RESOLVERS in the order they run."""
