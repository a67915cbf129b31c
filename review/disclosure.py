"""Small counts hidden from a published table, so that no one can be singled out.

Primary suppression: a count of 1 to 4 is published as "< 5" (`SMALL`); 0 is shown.

Secondary suppression: the table also publishes its column totals and, in a row, a
whole with its parts (reports received = resolved + answered + in progress), so a
hidden count could be worked out by subtraction. Every published equation is checked
the way a reader could check it by hand: each cell starts with what the page says of it
(a shown number; 1 to 4 for "< 5"; 5 or more for a cell hidden as secondary, since a
smaller one would read "< 5"; anything for a small count hidden by the last resorts)
and the bounds are narrowed through every equation until nothing changes (interval
propagation). While a "< 5" cell is pinned to one value, more cells are hidden
(`HIDDEN`), chosen in this order:

1. shown non-zero counts of provinces in the same column, or in the same row's group
   of parts: the smallest one whose hiding frees the cell, else the cheapest rectangle
   (one in the column, one in the row, and the corner between them, which frees a cell
   that both its row and its column pin), else the smallest one; for a national total
   of 1 to 4, the smallest other national total of its group (received = resolved +
   answered + in progress: otherwise it would be their difference);
2. else the column's national total (only when the whole column is small counts);
3. else every cell not yet hidden in that column, that row's group and the totals'
   group (a "< 5" among them then reads as hidden);
4. else, in a table of a few small counts, every cell.

The result is the same for the same figures (ties go to the earlier row and column),
so a page and its CSV hide the same cells. The check is interval propagation, not the
integer programme a determined reader could solve; see docs/public-statistics.md.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

SHOWN, SMALL, HIDDEN = "shown", "small", "hidden"
TOTAL = "total"
SMALLEST, LARGEST_SMALL = 1, 4
UNBOUNDED = 10**15

Key = tuple[Hashable, str]


@dataclass(frozen=True)
class Group:
    """`whole` = sum of `parts`, in every row (the totals row included)."""

    whole: str
    parts: tuple[str, ...]

    @property
    def measures(self) -> tuple[str, ...]:
        return (self.whole, *self.parts)


def is_small(value: int) -> bool:
    return SMALLEST <= value <= LARGEST_SMALL


def _equations(rows, measures, groups) -> list[tuple[list[Key], list[Key]]]:
    """Each as (left, right): sum(left) == sum(right)."""
    equations = [([(row, m) for row in rows], [(TOTAL, m)]) for m in measures]
    for row in (*rows, TOTAL):
        for group in groups:
            equations.append(([(row, group.whole)], [(row, part) for part in group.parts]))
    return equations


def bounds(cells: dict[Key, int], state: dict[Key, str], equations) -> dict[Key, list[int]]:
    """What a reader can deduce of each cell: [lowest, highest] possible value."""
    known = {}
    for key, value in cells.items():
        if state[key] == SHOWN:
            known[key] = [value, value]
        elif state[key] == SMALL:
            known[key] = [SMALLEST, LARGEST_SMALL]
        elif value > LARGEST_SMALL:
            known[key] = [LARGEST_SMALL + 1, UNBOUNDED]
        else:
            known[key] = [0, UNBOUNDED]
    terms = [[(k, 1) for k in left] + [(k, -1) for k in right] for left, right in equations]
    changed = True
    while changed:
        changed = False
        for equation in terms:
            # sum(sign * x) == 0: each term lies between minus the others' extremes.
            low = sum(known[k][0] if s > 0 else -known[k][1] for k, s in equation)
            high = sum(known[k][1] if s > 0 else -known[k][0] for k, s in equation)
            for key, sign in equation:
                lo, hi = known[key]
                own_low, own_high = (lo, hi) if sign > 0 else (-hi, -lo)
                others_low, others_high = low - own_low, high - own_high
                if sign > 0:
                    new_lo, new_hi = max(lo, -others_high), min(hi, -others_low)
                else:
                    new_lo, new_hi = max(lo, others_low), min(hi, others_high)
                if (new_lo, new_hi) != (lo, hi) and new_lo <= new_hi:
                    known[key] = [new_lo, new_hi]
                    low += (new_lo - lo) if sign > 0 else (hi - new_hi)
                    high += (new_hi - hi) if sign > 0 else (lo - new_lo)
                    changed = True
    return known


def pinned(cells, state, equations) -> list[Key]:
    """The cells of 1 to 4, not shown, whose value a reader can work out exactly."""
    known = bounds(cells, state, equations)
    return [
        key
        for key, value in cells.items()
        if is_small(value) and state[key] != SHOWN and known[key][0] == known[key][1]
    ]


def suppress(
    values: dict[Key, int],
    rows: Sequence[Hashable],
    measures: Sequence[str],
    groups: Sequence[Group] = (),
) -> tuple[dict[Key, int], dict[Key, str]]:
    """The cells with their national totals (row `TOTAL`), and how each is published."""
    cells = dict(values)
    for m in measures:
        cells[(TOTAL, m)] = sum(values[(row, m)] for row in rows)
    state = {key: SMALL if is_small(value) else SHOWN for key, value in cells.items()}
    equations = _equations(rows, measures, groups)
    order = {key: i for i, key in enumerate(cells)}

    while found := pinned(cells, state, equations):
        row, measure = found[0]
        near = [(r, measure) for r in rows]
        group = next((g for g in groups if measure in g.measures), None)
        if group:
            near += [(row, m) for m in group.measures]
        # A national total is hidden only for a small count of its own (or below).
        candidates = [
            k
            for k in near
            if state[k] == SHOWN and cells[k] > 0 and (k[0] != TOTAL or row == TOTAL)
        ]
        if candidates:
            for choice in _choices(
                found[0], candidates, cells, state, equations, rows, group, order
            ):
                state[choice] = HIDDEN
            continue
        if state[(TOTAL, measure)] != HIDDEN:
            state[(TOTAL, measure)] = HIDDEN
            continue
        rest = [k for k in near if state[k] != HIDDEN]
        if group:
            rest += [(TOTAL, m) for m in group.measures if state[(TOTAL, m)] != HIDDEN]
        # Only in a table of a few small counts: the zeros around a cell tell too much.
        rest = rest or [k for k in cells if state[k] != HIDDEN]
        if not rest:
            break
        for key in rest:
            state[key] = HIDDEN
    return cells, state


def _choices(target, candidates, cells, state, equations, rows, group, order) -> list[Key]:
    """The cells to hide next for `target`, as few and as small as will free it."""
    by_size = sorted(candidates, key=lambda k: (cells[k], order[k]))

    def frees(keys) -> bool:
        trial = {**state, **dict.fromkeys(keys, HIDDEN)}
        return target not in pinned(cells, trial, equations)

    for key in by_size:
        if frees([key]):
            return [key]
    row, measure = target
    if group and row != TOTAL:
        rectangles = []
        for other in rows:
            for m in group.measures:
                corner = [(other, measure), (row, m), (other, m)]
                if (
                    other != row
                    and m != measure
                    and all(state[k] == SHOWN and cells[k] > 0 for k in corner)
                ):
                    rectangles.append((sum(cells[k] for k in corner), corner))
        for _size, corner in sorted(rectangles, key=lambda item: (item[0], order[item[1][0]])):
            if frees(corner):
                return corner
    return by_size[:1]
