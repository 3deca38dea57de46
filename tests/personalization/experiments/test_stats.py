"""The experiment statistics against known values: GrowthBook's, textbooks', scipy's."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special
from scipy import stats as scipy_stats

from personalization.experiments.stats import (
    MINIMUM_VISITORS,
    Sample,
    Verdict,
    chance_to_beat_binary,
    chance_to_beat_normal,
    compare,
    relative_uplift_test,
    sample_ratio_mismatch,
)


def sample_from(mean: float, stddev: float, n: int) -> Sample:
    """A per-visitor amount given as mean and standard deviation, as sums."""
    return Sample(n=n, total=mean * n, total_sq=stddev**2 * (n - 1) + mean**2 * n)


def test_relative_uplift_matches_growthbooks_published_case():
    # gbstats' tests/frequentist/test_tests.py: TwoSidedTTest on these two arms.
    result = relative_uplift_test(sample_from(0.41, 3.9, 3407), sample_from(0.70, 6.2, 3461))
    relative, low, high, p_value = result
    assert relative == pytest.approx(0.70732, abs=1e-5)
    assert low == pytest.approx(-0.03526, abs=1e-5)
    assert high == pytest.approx(1.44989, abs=1e-5)
    assert p_value == pytest.approx(0.06191, abs=1e-5)


def test_relative_interval_follows_the_delta_method_for_two_proportions():
    # 10 % of 5,000 against 12 % of 5,000; by hand: var = pb(1-pb)/(pa² nb) + pa(1-pa) pb²/(pa⁴ na)
    control, treatment = Sample.proportion(500, 5000), Sample.proportion(600, 5000)
    relative, low, high, _p = relative_uplift_test(control, treatment)
    stddev = math.sqrt(0.12 * 0.88 / (0.01 * 5000) + 0.1 * 0.9 * 0.0144 / (0.0001 * 5000))
    assert relative == pytest.approx(0.2)
    # At these sizes Student's t is the normal's 1.96.
    assert low == pytest.approx(0.2 - 1.96 * stddev, abs=1e-4)
    assert high == pytest.approx(0.2 + 1.96 * stddev, abs=1e-4)


def test_p_value_of_equal_means_agrees_with_scipys_welch_test():
    # With no difference the relative and absolute tests coincide: both are Welch's t of 0.
    control, treatment = sample_from(5.0, 2.0, 400), sample_from(5.0, 3.0, 300)
    *_interval, p_value = relative_uplift_test(control, treatment)
    welch = scipy_stats.ttest_ind_from_stats(5.0, 2.0, 400, 5.0, 3.0, 300, equal_var=False)
    assert p_value == pytest.approx(welch.pvalue) == pytest.approx(1.0)


def test_p_value_is_the_two_sided_t_tail_of_the_uplift_over_its_standard_error():
    control, treatment = Sample.proportion(500, 5000), Sample.proportion(600, 5000)
    relative, low, high, p_value = relative_uplift_test(control, treatment)
    stddev = (high - low) / 2 / 1.96
    assert p_value == pytest.approx(2 * scipy_stats.norm.sf(relative / stddev), rel=1e-2)


def test_no_control_conversions_gives_no_relative_uplift():
    assert relative_uplift_test(Sample.proportion(0, 500), Sample.proportion(5, 500)) is None


def evan_miller_chance(a_conv: int, a_n: int, b_conv: int, b_n: int) -> float:
    """P(p_B > p_A) for Beta(1 + conversions, 1 + failures) posteriors, in closed form."""
    alpha_a, beta_a = 1 + a_conv, 1 + a_n - a_conv
    alpha_b, beta_b = 1 + b_conv, 1 + b_n - b_conv
    total = 0.0
    for i in range(alpha_b):
        total += math.exp(
            special.betaln(alpha_a + i, beta_a + beta_b)
            - math.log(beta_b + i)
            - special.betaln(1 + i, beta_b)
            - special.betaln(alpha_a, beta_a)
        )
    return total


@pytest.mark.parametrize(
    ("a", "b"), [((10, 100), (15, 100)), ((100, 1000), (120, 1000)), ((30, 200), (25, 220))]
)
def test_chance_to_beat_is_the_exact_beta_posterior_probability(a, b):
    chance = chance_to_beat_binary(Sample.proportion(*a), Sample.proportion(*b))
    assert chance == pytest.approx(evan_miller_chance(*a, *b), abs=1e-6)


def test_chance_to_beat_of_identical_arms_is_a_half():
    same = Sample.proportion(120, 1000)
    assert chance_to_beat_binary(same, same) == pytest.approx(0.5, abs=1e-6)


def test_chance_to_beat_for_revenue_is_the_normal_tail():
    control, treatment = sample_from(10.0, 20.0, 1000), sample_from(11.0, 20.0, 1000)
    expected = scipy_stats.norm.cdf(1.0 / math.sqrt(400 / 1000 + 400 / 1000))
    assert chance_to_beat_normal(control, treatment) == pytest.approx(expected)


def test_below_the_minimum_sample_the_verdict_is_too_early():
    small = MINIMUM_VISITORS - 1
    result = compare(Sample.proportion(10, small), Sample.proportion(40, small))
    assert result.verdict == Verdict.TOO_EARLY
    assert result.relative == pytest.approx(3.0)  # the numbers are still shown


def test_a_clear_win_is_better_and_a_clear_loss_is_worse():
    control = Sample.proportion(500, 5000)
    assert compare(control, Sample.proportion(650, 5000)).verdict == Verdict.BETTER
    assert compare(control, Sample.proportion(380, 5000)).verdict == Verdict.WORSE


def test_a_guardrail_where_lower_is_better_is_worse_when_it_rises():
    returned = compare(
        Sample.proportion(100, 5000), Sample.proportion(180, 5000), higher_is_better=False
    )
    assert returned.verdict == Verdict.WORSE
    assert returned.chance_to_beat < 0.01


def test_srm_matches_the_textbook_chi_square():
    # 5,000 and 4,500 where 4,750 each were expected: χ² = 2 × 250² / 4,750 on 1 d.f.
    result = sample_ratio_mismatch([5000, 4500], [50, 50])
    assert result.p_value == pytest.approx(scipy_stats.chi2.sf(2 * 250**2 / 4750, 1))
    assert result.mismatch


def test_srm_follows_unequal_weights():
    assert not sample_ratio_mismatch([2010, 7990], [20, 80]).mismatch
    assert sample_ratio_mismatch([2500, 7500], [20, 80]).mismatch


def test_srm_leaves_out_arms_weighted_zero_and_copes_with_no_visitors():
    assert sample_ratio_mismatch([1000, 1010, 0], [1, 1, 0]).p_value > 0.5
    assert sample_ratio_mismatch([0, 0], [1, 1]).p_value == 1.0


def test_aa_runs_find_a_difference_about_one_time_in_twenty():
    rng = np.random.default_rng(20261130)
    runs, visitors, rate = 200, 4000, 0.10
    significant = 0
    for _run in range(runs):
        a, b = rng.binomial(visitors, rate, size=2)
        result = compare(Sample.proportion(int(a), visitors), Sample.proportion(int(b), visitors))
        significant += result.significant
    assert 0.02 <= significant / runs <= 0.09
