"""Domain-free pieces the shop and personalization share: money, countries and regions, images
and renditions, per-process snapshots, scheduling. Imports nothing of ours (only Django and
third-party packages); `lint-imports` checks it."""
