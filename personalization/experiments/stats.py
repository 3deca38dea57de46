"""Compare an experiment's arms: uplift, intervals, p-values, chance to beat control, SRM.

Pure functions on plain numbers (no Django, no database): the report fetches per-arm totals
with a few GROUP BY queries and hands them here.

We follow GrowthBook's stats engine (`gbstats`):

- **Frequentist**: its two-sided t-test on the *relative* uplift (treatment − control) /
  control. The variance of that ratio comes from the delta method (gbstats'
  `frequentist_variance` with `relative=True`: var_b / (mean_a² n_b) + var_a mean_b² /
  (mean_a⁴ n_a)), the degrees of freedom from Welch–Satterthwaite, the 95 % interval and the
  p-value from Student's t (`scipy.stats.t`). A per-visitor yes/no metric (converted,
  returned) has the variance p(1 − p), as gbstats' `ProportionStatistic`; a per-visitor amount
  (revenue) the sample variance from its sum and sum of squares, as `SampleMeanStatistic`.
- **Bayesian**: for a yes/no metric each arm's rate gets a Beta posterior from a uniform
  Beta(1, 1) prior, gbstats' default `BETA_PRIOR`. Where gbstats approximates the chance to
  beat control with a log-normal, we integrate the two Beta posteriors exactly
  (`scipy.integrate.quad`). For an amount per visitor, gbstats' normal approximation with its
  default flat prior: the difference of the two means is normal with the standard errors the
  data give.
- **Sample-ratio mismatch**: gbstats' `check_srm`, a chi-square goodness-of-fit test of the
  visitors per arm against the arms' weights (`scipy.stats.chisquare`); we warn below
  p = 0.001, as GrowthBook does.

No correction is made for looking every day or for comparing several arms at once: the
minimum sample below keeps the earliest, noisiest days from reading as results, and the README
says when to stop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from scipy import integrate
from scipy import stats as scipy_stats


def gettext_noop(message: str) -> str:
    """Mark a message for translation without translating it (read by makemessages)."""
    return message


ALPHA = 0.05  # 95 % intervals, two-sided tests at 5 %
SRM_THRESHOLD = 0.001
MINIMUM_VISITORS = 100  # per arm, before any verdict
MINIMUM_CONVERSIONS = 10  # per arm, for the yes/no metrics' verdicts

BETA_PRIOR = (1.0, 1.0)  # Beta(alpha, beta): a uniform prior
PRIOR_IN_WORDS = gettext_noop(
    "Conversion: before any data, every conversion rate from 0 % to 100 % is taken as equally "
    "likely (a uniform Beta(1, 1) prior), so the data decide. Revenue per visitor: no prior "
    "belief either (a flat prior); the difference of the means is taken as normally distributed."
)


class Verdict(StrEnum):
    TOO_EARLY = "too_early"
    BETTER = "better"
    WORSE = "worse"
    NO_DIFFERENCE = "no_difference"


@dataclass(frozen=True)
class Sample:
    """One metric in one arm: visitors, and the sum and sum of squares of the per-visitor value.

    For a yes/no metric (converted) the value is 0 or 1, so the sum is the count and so is the
    sum of squares.
    """

    n: int
    total: float
    total_sq: float
    binary: bool = False

    @classmethod
    def proportion(cls, successes: int, n: int) -> Sample:
        return cls(n=n, total=successes, total_sq=successes, binary=True)

    @property
    def mean(self) -> float:
        return self.total / self.n if self.n else 0.0

    @property
    def variance(self) -> float:
        """The per-visitor variance: p(1 − p) for yes/no, else the sample variance."""
        if self.binary:
            return self.mean * (1 - self.mean)
        if self.n < 2:
            return 0.0
        return max(0.0, (self.total_sq - self.total**2 / self.n) / (self.n - 1))


@dataclass(frozen=True)
class Comparison:
    """A treatment arm against control on one metric."""

    control: float  # mean (rate) in control
    treatment: float
    absolute: float  # treatment − control
    relative: float | None  # (treatment − control) / control; None when control is 0
    ci_low: float | None  # 95 % interval of the relative uplift
    ci_high: float | None
    p_value: float | None
    chance_to_beat: float | None
    verdict: Verdict
    higher_is_better: bool = True

    @property
    def significant(self) -> bool:
        return self.verdict in (Verdict.BETTER, Verdict.WORSE)


def relative_uplift_test(
    control: Sample, treatment: Sample, *, alpha: float = ALPHA
) -> tuple[float, float, float, float] | None:
    """The relative uplift, its interval and two-sided p-value (delta method, Welch's t).

    None when it cannot be computed: no control mean, or no variance in either arm.
    """
    mean_a, mean_b = control.mean, treatment.mean
    n_a, n_b = control.n, treatment.n
    if n_a < 2 or n_b < 2 or mean_a == 0:
        return None
    var_a, var_b = control.variance, treatment.variance
    variance = var_b / (mean_a**2 * n_b) + var_a * mean_b**2 / (mean_a**4 * n_a)
    if variance <= 0:
        return None
    se_a, se_b = var_a / n_a, var_b / n_b
    dof = (se_a + se_b) ** 2 / (se_a**2 / (n_a - 1) + se_b**2 / (n_b - 1))
    relative = (mean_b - mean_a) / mean_a
    stddev = math.sqrt(variance)
    half_width = scipy_stats.t.ppf(1 - alpha / 2, dof) * stddev
    p_value = 2 * scipy_stats.t.sf(abs(relative) / stddev, dof)
    return relative, relative - half_width, relative + half_width, float(p_value)


def chance_to_beat_binary(
    control: Sample, treatment: Sample, *, prior: tuple[float, float] = BETA_PRIOR
) -> float:
    """P(treatment's rate > control's) with Beta posteriors from the prior."""
    a, b = prior
    post_a = scipy_stats.beta(a + control.total, b + control.n - control.total)
    post_b = scipy_stats.beta(a + treatment.total, b + treatment.n - treatment.total)
    # ∫ f_B(x) F_A(x) dx over where B's posterior has its mass: integrating over [0, 1] would
    # let quad step over a narrow peak.
    low, high = post_b.ppf(1e-12), post_b.isf(1e-12)
    value, _error = integrate.quad(
        lambda x: post_b.pdf(x) * post_a.cdf(x), low, high, epsabs=1e-10, limit=200
    )
    return min(1.0, max(0.0, value))


def chance_to_beat_normal(control: Sample, treatment: Sample) -> float | None:
    """P(treatment's mean > control's), normal approximation with a flat prior."""
    if control.n < 2 or treatment.n < 2:
        return None
    stddev = math.sqrt(control.variance / control.n + treatment.variance / treatment.n)
    difference = treatment.mean - control.mean
    if stddev == 0:
        return 0.5 if difference == 0 else float(difference > 0)
    return float(scipy_stats.norm.sf(0, loc=difference, scale=stddev))


def enough_data(control: Sample, treatment: Sample) -> bool:
    """Whether both arms have the minimum sample for a verdict."""
    if min(control.n, treatment.n) < MINIMUM_VISITORS:
        return False
    if control.binary:
        return min(control.total, treatment.total) >= MINIMUM_CONVERSIONS
    return True


def compare(
    control: Sample,
    treatment: Sample,
    *,
    higher_is_better: bool = True,
    alpha: float = ALPHA,
) -> Comparison:
    """Compare a treatment arm with control on one metric."""
    test = relative_uplift_test(control, treatment, alpha=alpha)
    relative, low, high, p_value = test if test else (None, None, None, None)
    chance: float | None = (
        chance_to_beat_binary(control, treatment)
        if control.binary
        else chance_to_beat_normal(control, treatment)
    )
    if not enough_data(control, treatment) or p_value is None or relative is None:
        verdict = Verdict.TOO_EARLY
    elif p_value < alpha:
        up = relative > 0
        verdict = Verdict.BETTER if up == higher_is_better else Verdict.WORSE
    else:
        verdict = Verdict.NO_DIFFERENCE
    return Comparison(
        control=control.mean,
        treatment=treatment.mean,
        absolute=treatment.mean - control.mean,
        relative=relative,
        ci_low=low,
        ci_high=high,
        p_value=p_value,
        chance_to_beat=chance if higher_is_better or chance is None else 1 - chance,
        verdict=verdict,
        higher_is_better=higher_is_better,
    )


@dataclass(frozen=True)
class SampleRatio:
    """The chi-square check of visitors per arm against the arms' weights."""

    observed: tuple[int, ...]
    expected: tuple[float, ...]
    p_value: float

    @property
    def mismatch(self) -> bool:
        return self.p_value < SRM_THRESHOLD


def sample_ratio_mismatch(visitors: list[int], weights: list[float]) -> SampleRatio:
    """Test whether visitors split across arms as the weights say (arms weighted 0 left out)."""
    pairs = [(n, w) for n, w in zip(visitors, weights, strict=True) if w > 0]
    total = sum(n for n, _w in pairs)
    total_weight = sum(w for _n, w in pairs)
    expected = tuple(w / total_weight * total for _n, w in pairs) if total_weight else ()
    observed = tuple(n for n, _w in pairs)
    if total == 0 or len(pairs) < 2:
        return SampleRatio(observed, expected, 1.0)
    result = scipy_stats.chisquare(f_obs=observed, f_exp=expected)
    return SampleRatio(observed, expected, float(result.pvalue))
