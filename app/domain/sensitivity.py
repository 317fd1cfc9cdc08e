"""How robust the ranking is to the section weights.

(a) weight stability: for each section, the smallest relative change of its weight (the
    other sections renormalised so the weights still add up) that changes the winner,
    searched within ±50 %;
(b) win share: in how many of 10,000 random section-weight draws each vendor ranks first.
    Draws come from a Dirichlet distribution centred on the current section weights with
    concentration CONCENTRATION (alpha_k = CONCENTRATION × share_k), so a section with a
    25 % share varies with a standard deviation of about 6 points;
(c) too close to call: the top two totals differ by less than 3 points.
Everything is seeded: the same inputs always give the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

DRAWS = 10_000
CONCENTRATION = 50.0
SEED = 20_261_125
CLOSE_CALL_POINTS = 3.0
STABILITY_RANGE = 0.5
_GRID = 500  # steps per direction for the stability scan, refined by bisection


@dataclass(frozen=True)
class Sensitivity:
    too_close_to_call: bool
    margin: float | None  # points between the top two, None with fewer than two totals
    win_share: dict[str, float]
    weight_stability: dict[str, float | None]  # smallest |relative change|, None = stable ±50 %
    stability_direction: dict[str, int]  # +1 raising the weight flips, −1 lowering it, 0 stable
    draws: int = DRAWS
    concentration: float = CONCENTRATION
    seed: int = SEED


def _winners(
    factors: npt.NDArray[np.float64],
    num: npt.NDArray[np.float64],
    den: npt.NDArray[np.float64],
    eligible: npt.NDArray[np.bool_],
    order_bias: npt.NDArray[np.float64],
) -> npt.NDArray[np.int_]:
    """Index of the winning vendor for each row of section-weight factors (draws × K)."""
    n = factors @ num.T  # draws × V
    d = factors @ den.T
    with np.errstate(invalid="ignore", divide="ignore"):
        totals = np.where(d > 0, n / np.where(d > 0, d, 1.0), -np.inf)
    totals = np.where(eligible[None, :], totals, -np.inf)
    # Ties go to the name that sorts first: a tiny bias far below any visible difference.
    return np.asarray(np.argmax(totals - order_bias[None, :], axis=1), dtype=np.int_)


def analyse(
    vendors: Sequence[str],
    section_names: Sequence[str],
    section_weights: Sequence[float],
    num: npt.NDArray[np.float64],
    den: npt.NDArray[np.float64],
    knocked_out: Sequence[bool],
    totals: Sequence[float | None],
    draws: int = DRAWS,
    seed: int = SEED,
) -> Sensitivity:
    """`num`/`den` are vendor × section Σ w·s and Σ w at the current weights."""
    names = list(vendors)
    present = [t for t in totals if t is not None]
    eligible = np.array(
        [t is not None and not k for t, k in zip(totals, knocked_out, strict=True)], dtype=bool
    )
    if not eligible.any():
        eligible = np.array([t is not None for t in totals], dtype=bool)
    ranked = sorted(
        (i for i in range(len(names)) if eligible[i]),
        key=lambda i: (-(totals[i] or 0.0), names[i].casefold()),
    )
    margin = None
    if len(ranked) >= 2:
        margin = float((totals[ranked[0]] or 0.0) - (totals[ranked[1]] or 0.0))
    elif len(present) >= 2:
        margin = None
    too_close = margin is not None and margin < CLOSE_CALL_POINTS

    weights = np.array(section_weights, dtype=float)
    k = len(weights)
    order = sorted(range(len(names)), key=lambda i: names[i].casefold())
    order_bias = np.zeros(len(names))
    for pos, i in enumerate(order):
        order_bias[i] = pos * 1e-12
    active = weights > 0
    win_share = dict.fromkeys(names, 0.0)
    stability: dict[str, float | None] = {}
    direction: dict[str, int] = {}
    if not ranked or not active.any():
        for s in section_names:
            stability[s] = None
            direction[s] = 0
        return Sensitivity(too_close, margin, win_share, stability, direction, draws, CONCENTRATION, seed)

    # (b) win share over Dirichlet draws of the section shares.
    shares = weights[active] / weights[active].sum()
    rng = np.random.default_rng(seed)
    sample = rng.dirichlet(CONCENTRATION * shares, size=draws)
    factors = np.zeros((draws, k))
    factors[:, active] = sample / shares[None, :]
    wins = _winners(factors, num, den, eligible, order_bias)
    counts = np.bincount(wins, minlength=len(names))
    win_share = {names[i]: float(counts[i]) / draws for i in range(len(names))}

    # (a) weight stability per section.
    total_w = float(weights.sum())
    current = ranked[0]
    steps = np.linspace(STABILITY_RANGE / _GRID, STABILITY_RANGE, _GRID)

    def factors_for(section: int, rel: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        wk = weights[section]
        new_wk = wk * (1.0 + rel)
        others = total_w - wk
        scale = np.where(others > 0, (total_w - new_wk) / (others if others > 0 else 1.0), 1.0)
        f = np.repeat(scale[:, None], k, axis=1)
        f[:, section] = 1.0 + rel
        return f

    for si, s in enumerate(section_names):
        if weights[si] <= 0 or len(ranked) < 2 or total_w - weights[si] <= 0:
            stability[s] = None
            direction[s] = 0
            continue
        best: tuple[float, int] | None = None
        for sign in (1, -1):
            rel = sign * steps
            w = _winners(factors_for(si, rel), num, den, eligible, order_bias)
            flipped = np.nonzero(w != current)[0]
            if flipped.size:
                j = int(flipped[0])
                lo = 0.0 if j == 0 else float(steps[j - 1])
                hi = float(steps[j])
                for _ in range(30):
                    mid = (lo + hi) / 2
                    wm = _winners(factors_for(si, np.array([sign * mid])), num, den, eligible, order_bias)
                    if wm[0] != current:
                        hi = mid
                    else:
                        lo = mid
                if best is None or hi < best[0]:
                    best = (hi, sign)
        stability[s] = None if best is None else round(best[0], 6)
        direction[s] = 0 if best is None else best[1]
    return Sensitivity(too_close, margin, win_share, stability, direction, draws, CONCENTRATION, seed)
