from __future__ import annotations

from django.core.management import call_command

from shop.recommendations.evaluation import evaluate


def test_every_recommender_beats_most_popular_on_held_out_orders():
    scores = {score.name: score for score in evaluate(customers=400, seed=3)}
    baseline = scores.pop("most popular (baseline)")
    assert set(scores) == {"bought together", "for your pet", "popular near you"}
    for name, score in scores.items():
        assert score.ndcg > baseline.ndcg, name
        assert score.hit_rate > baseline.hit_rate, name


def test_the_command_prints_the_table(capsys):
    call_command("evaluate_recommendations", customers=200)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("| recommender | hit rate@10 | NDCG@10")
    assert len(lines) == 6
