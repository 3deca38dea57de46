from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from shop.recommendations.evaluation import K, evaluate


class Command(BaseCommand):
    help = (
        "Score each recommender against 'most popular' on generated orders (each customer's "
        "last order held out): hit rate@10 and NDCG@10, as a Markdown table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, customers: int, seed: int, **options) -> None:
        scores = evaluate(customers=customers, seed=seed)
        baseline = scores[0]
        self.stdout.write(f"| recommender | hit rate@{K} | NDCG@{K} | NDCG vs baseline |")
        self.stdout.write("| --- | --- | --- | --- |")
        for score in scores:
            lift = score.ndcg / baseline.ndcg if baseline.ndcg else float("inf")
            self.stdout.write(
                f"| {score.name} | {score.hit_rate:.3f} | {score.ndcg:.3f} | {lift:.2f}× |"
            )
