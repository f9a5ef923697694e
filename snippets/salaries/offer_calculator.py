# /// snippet
# ///
"""Compare two job offers over four years, year by year, under several share prices.

Every number at the top is an EXAMPLE INPUT, not data about any employer: replace them
with the figures in your own offer letters. Amounts are in thousands of your currency.

Run from the repo root: python snippets/salaries/offer_calculator.py
"""

from dataclasses import dataclass, field, replace

import numpy as np

MONTHS = 48  # the comparison horizon: four years, month by month


def even_vesting(cliff: int = 12, every: int = 3, years: int = 4) -> dict[int, float]:
    """A quarter at the cliff, then equal slices every `every` months to the end."""
    schedule = {cliff: cliff / (12 * years)}
    for month in range(cliff + every, 12 * years + 1, every):
        schedule[month] = every / (12 * years)
    return schedule


def no_cliff_vesting(every: int = 3, years: int = 4) -> dict[int, float]:
    """Equal slices every `every` months from the start (the example refresher schedule)."""
    return {m: every / (12 * years) for m in range(every, 12 * years + 1, every)}


# --8<-- [start:inputs]
# EXAMPLE INPUTS: change these to the figures in your own offers. They are made up,
# not data about any employer. Amounts in thousands of your currency, per year.
@dataclass
class Offer:
    name: str
    base: float  # yearly base salary in year one
    raise_per_year: float  # expected yearly raise, 0.03 = 3%
    bonus_target: float  # target bonus as a share of base, 0.10 = 10%
    bonus_payout: float  # what you expect the bonus to pay against target, 1.0 = 100%
    sign_on: dict[int, float]  # month paid -> amount
    clawback_months: int  # repay a sign-on payment if you leave within this many months
    clawback_prorated: bool  # repay only the unearned part (True) or all of it (False)
    grant: float  # value of the initial equity grant at today's share price
    vesting: dict[int, float]  # month -> share of the grant that vests then
    refresher: float = 0.0  # value of each yearly refresher grant, when granted
    refresher_vesting: dict[int, float] = field(default_factory=no_cliff_vesting)


A = Offer(
    name="A",
    base=180,
    raise_per_year=0.03,
    bonus_target=0.10,
    bonus_payout=1.0,
    sign_on={1: 20},
    clawback_months=12,
    clawback_prorated=True,
    grant=200,
    vesting=even_vesting(cliff=12, every=3),  # 25% at month 12, then quarterly
    refresher=40,
)
B = Offer(
    name="B",
    base=175,
    raise_per_year=0.03,
    bonus_target=0.0,
    bonus_payout=0.0,
    sign_on={1: 75, 13: 45},  # paid in two parts, each with its own clawback
    clawback_months=12,
    clawback_prorated=False,
    grant=250,
    vesting={12: 0.05, 24: 0.15, 30: 0.20, 36: 0.20, 42: 0.20, 48: 0.20},  # back-loaded
    refresher=0.0,
)
# Share price over the four years, as a multiple of today's price at the end.
SCENARIOS = {"down": 0.6, "flat": 1.0, "up": 1.6}
# --8<-- [end:inputs]


# --8<-- [start:model]
def validate(offer: Offer) -> None:
    """Fail loudly on inputs that cannot be right, naming the offer and the field."""
    for name in ("vesting", "refresher_vesting"):
        total_share = sum(getattr(offer, name).values())
        if abs(total_share - 1) > 1e-9:
            raise ValueError(
                f"offer {offer.name}: `{name}` shares add up to {total_share:.3f}, not 1;"
                " list every vesting date with the share of the grant that vests then"
            )
    for month in [*offer.sign_on, *offer.vesting, *offer.refresher_vesting]:
        if not 1 <= month <= MONTHS:
            raise ValueError(
                f"offer {offer.name}: month {month} is outside 1..{MONTHS}; months count"
                " from the start date, the first month is 1"
            )
    for name in ("base", "grant", "refresher", "bonus_target", "clawback_months"):
        if getattr(offer, name) < 0:
            raise ValueError(
                f"offer {offer.name}: `{name}` is negative; use 0 for none"
            )


def price_path(end_multiple: float) -> np.ndarray:
    """Share price by month (index 0 = today = 1.0), moving steadily to the end value."""
    return end_multiple ** (np.arange(MONTHS + 1) / MONTHS)


def monthly_pay(offer: Offer, price: np.ndarray, leave_after: int = MONTHS) -> dict:
    """Cash and equity received each month, up to and including month `leave_after`.

    `price` may hold one path (shape (49,)) or many (shape (n, 49)).
    """
    months = np.arange(1, MONTHS + 1)
    year = (months - 1) // 12
    base = offer.base * (1 + offer.raise_per_year) ** year / 12
    bonus = np.where(months % 12 == 0, 12 * base * offer.bonus_target, 0.0)
    bonus = bonus * offer.bonus_payout
    sign_on = np.zeros(MONTHS)
    for month, amount in offer.sign_on.items():
        if month > leave_after:
            continue  # not paid yet, so nothing to repay
        sign_on[month - 1] += amount
        served = leave_after - month + 1  # months worked since it was paid
        if served < offer.clawback_months:
            unearned = 1 - served / offer.clawback_months
            sign_on[leave_after - 1] -= amount * (
                unearned if offer.clawback_prorated else 1
            )
    equity = np.zeros(np.shape(price)[:-1] + (MONTHS,))
    grants = [(0, offer.grant, offer.vesting)]
    grants += [(g, offer.refresher, offer.refresher_vesting) for g in (12, 24, 36)]
    for granted_at, value, schedule in grants:
        shares = value / price[..., granted_at]  # units bought at the grant-day price
        for after, fraction in schedule.items():
            month = granted_at + after
            if month <= MONTHS:
                equity[..., month - 1] += shares * fraction * price[..., month]
    kept = months <= leave_after
    return {
        "base": base * kept,
        "bonus": bonus * kept,
        "sign_on": sign_on * kept,
        "equity": equity * kept,
    }


def by_year(pay: dict) -> dict:
    """Sum each part of the pay over years one to four."""
    return {
        part: values.reshape(values.shape[:-1] + (4, 12)).sum(-1)
        for part, values in pay.items()
    }


def total(pay: dict) -> np.ndarray:
    return sum(values.sum(-1) for values in pay.values())


for offer in (A, B):
    validate(offer)
try:  # a typo in a vesting schedule stops the calculator instead of skewing it
    validate(replace(B, vesting={12: 0.05, 24: 0.15, 36: 0.40, 48: 0.35}))
except ValueError as error:
    print(error)
else:
    raise AssertionError("a schedule that does not add up to 1 must be refused")


# --8<-- [end:model]


# --8<-- [start:year-by-year]
flat = price_path(SCENARIOS["flat"])
for offer in (A, B):
    years = by_year(monthly_pay(offer, flat))
    print(f"Offer {offer.name}, share price flat (thousands)")
    print("        " + "".join(f"  year {y}" for y in range(1, 5)))
    for part, values in years.items():
        print(f"{part:8}" + "".join(f"{v:8.1f}" for v in values))
    print(f"{'total':8}" + "".join(f"{v:8.1f}" for v in sum(years.values())))
    print()

year_totals = {o.name: sum(by_year(monthly_pay(o, flat)).values()) for o in (A, B)}
b_equity = by_year(monthly_pay(B, flat))["equity"]
a_equity = by_year(monthly_pay(A, flat))["equity"]
# What the page says of this output, checked on every build:
assert b_equity[2:].sum() > 3 * b_equity[:2].sum()  # B's equity comes in years 3 and 4
assert (np.diff(a_equity) > 0).all()  # A's refreshers lift its equity every year
assert B.grant > A.grant  # B's grant is the bigger number in the letter...
# ...and its sign-on fills the early gap: the yearly totals stay close every year
assert (abs(year_totals["B"] - year_totals["A"]) < 0.03 * year_totals["A"]).all()
# --8<-- [end:year-by-year]


# --8<-- [start:scenarios]
print("four-year total (thousands) by share price at the end of year four")
print(f"{'scenario':10}{'A':>8}{'B':>8}{'B - A':>8}")
gap = {}
for scenario, end in SCENARIOS.items():
    path = price_path(end)
    a, b = total(monthly_pay(A, path)), total(monthly_pay(B, path))
    gap[scenario] = b - a
    print(f"{scenario:10}{a:8.1f}{b:8.1f}{b - a:+8.1f}")

# What the page says of this output, checked on every build:
assert gap["down"] < 0 and gap["flat"] < 0  # A pays more if the price falls or stays
assert gap["up"] > 0  # B leads only if the stock rises
assert abs(gap["flat"]) < 0.01 * total(monthly_pay(A, flat))  # flat: close to a tie
# --8<-- [end:scenarios]


# --8<-- [start:range]
# Three paths hide how uncertain a share price is. Draw 2,000 random four-year paths
# instead, whose average ends where the price started, with a yearly volatility of 30%
# (an EXAMPLE INPUT: look up your employer's, many stocks swing more).
rng = np.random.default_rng(0)
VOLATILITY, PATHS = 0.30, 2_000
steps = rng.normal(
    -0.5 * VOLATILITY**2 / 12, VOLATILITY / np.sqrt(12), size=(PATHS, MONTHS)
)
paths = np.exp(np.concatenate([np.zeros((PATHS, 1)), np.cumsum(steps, axis=1)], axis=1))
diff = total(monthly_pay(B, paths)) - total(monthly_pay(A, paths))
low, mid, high = np.percentile(diff, [10, 50, 90])
print(f"B - A over four years, 10th to 90th percentile: {low:+.1f} to {high:+.1f}")
print(f"median {mid:+.1f}; B ahead on {np.mean(diff > 0):.0%} of the paths")

share_b_ahead = np.mean(diff > 0)
# What the page says of this output, checked on every build:
assert low < 0 < high  # the range spans zero: neither offer is better on every path
assert 0.2 < share_b_ahead < 0.4  # B comes out ahead on about a third of the paths
assert high - low > 4 * abs(gap["flat"])  # the spread dwarfs the flat-price gap
# --8<-- [end:range]


# --8<-- [start:leaving-early]
print("what you keep if you leave after month N (share price flat, thousands)")
print(f"{'month':>5}{'A equity':>10}{'A sign-on':>11}{'B equity':>10}{'B sign-on':>11}")
kept = {}
for leave in (11, 13, 24):
    row = []
    for offer in (A, B):
        pay = monthly_pay(offer, flat, leave_after=leave)
        row += [pay["equity"].sum(), pay["sign_on"].sum()]
    kept[leave] = row
    print(
        f"{leave:5}"
        + "".join(f"{v:{w}.1f}" for v, w in zip(row, (10, 11, 10, 11), strict=True))
    )

# What the page says of this output, checked on every build:
assert kept[11][0] == 0 and kept[11][2] == 0  # month 11: the cliff forfeits all equity
assert A.sign_on[1] / 2 < kept[11][1] < A.sign_on[1]  # pro rata: most of it stays
assert kept[11][3] == 0  # B's full clawback: leave before a year, repay all of it
assert kept[13][2] < kept[13][0] / 2  # past the cliff, B has vested far less than A
assert kept[13][3] == B.sign_on[1]  # B's second sign-on part, paid at 13, goes back
# --8<-- [end:leaving-early]
