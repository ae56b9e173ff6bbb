"""The invariants of benchmark 5 (bench/concurrency.py), checked on the database after a run.

`check(url, result)` lists every promise the run broke, in plain words: an acknowledged order
missing or short of lines, an order number stored or acknowledged twice, a lost update (a hot
customer whose successful edits do not form one unbroken version chain from its version at
the start, whose final version or notes disagree with them, or whose audit log holds other
edits than those), an error shown to staff, a conflict that does not name who saved first,
a writer that crashed. An empty list: every promise kept.
"""

from __future__ import annotations

import json
from collections import Counter

import sqlalchemy as sa

from salesops.db import Database


def _ids(ids) -> str:
    return ", ".join(str(int(i)) for i in ids) or "null"


def check(url: str, result: dict) -> list[str]:
    """Every broken promise of one run, in plain words (an empty list: all kept)."""
    db = Database(url)
    try:
        with db.read() as conn:
            problems = _orders_kept(conn, result["saved"])
            problems += _no_lost_update(conn, result["edit_log"], result["plan"])
    finally:
        db.dispose()
    if result["errors"]:
        problems.append(f"errors surfaced to staff: {result['errors']}")
    if result["unnamed_conflicts"]:
        problems.append(f"{result['unnamed_conflicts']} conflicts did not name who saved first")
    problems += [f"a writer crashed: {c}" for c in result["crashed"]]
    return problems


def _orders_kept(conn, saved: list) -> list[str]:
    """Acknowledged orders all stored (with their lines) and every order number unique."""
    problems, numbers = [], [s[0] for s in saved]
    twice = [n for n, k in Counter(numbers).items() if k > 1]
    if twice:
        problems.append(f"order numbers acknowledged twice: {twice[:5]}")
    stored = {}
    for i in range(0, len(saved), 500):
        chunk = [int(s[1]) for s in saved[i : i + 500]]
        stored |= {
            r.order_no: r.lines
            for r in conn.execute(
                sa.text(
                    "select o.order_no, count(l.id) as lines from orders o left join order_lines l"
                    f" on l.order_id = o.id where o.id in ({_ids(chunk)}) and o.deleted_at is null"
                    " group by o.order_no"
                )
            )
        }
    missing = [n for n, _, _ in saved if n not in stored]
    if missing:
        problems.append(f"{len(missing)} acknowledged orders missing, e.g. {missing[:5]}")
    short = [n for n, _, lines in saved if n in stored and stored[n] != lines]
    if short:
        problems.append(f"{len(short)} acknowledged orders lost lines, e.g. {short[:5]}")
    dup = (
        conn.execute(sa.text("select order_no from orders group by order_no having count(*) > 1"))
        .scalars()
        .all()
    )
    if dup:
        problems.append(f"order numbers stored twice: {dup[:5]}")
    return problems


def _no_lost_update(conn, edit_log: list, plan: dict) -> list[str]:
    """Per hot customer: successful edits are one unbroken version chain, all audited, and
    the stored row is the last of them."""
    problems = []
    for cid in plan["hot"]:
        mine = sorted((v, m) for c, v, m in edit_log if c == cid)
        start = plan["hot_versions"][cid]
        row = conn.execute(
            sa.text("select version, notes from customers where id = :id"), {"id": cid}
        ).one()
        audited = (
            conn.execute(
                sa.text(
                    "select new_values from audit_log where table_name = 'customers'"
                    " and row_id = :id and action = 'update' and id > :after"
                ),
                {"id": cid, "after": plan["audit_from"]},
            )
            .scalars()
            .all()
        )
        notes = sorted(json.loads(a).get("notes", "") for a in audited)
        if [v for v, _ in mine] != list(range(start + 1, start + 1 + len(mine))):
            problems.append(f"customer {cid}: successful edits' versions are not one chain")
        if row.version != start + len(mine):
            problems.append(
                f"customer {cid}: version {row.version}, expected {start} + {len(mine)} edits"
            )
        if notes != sorted(m for _, m in mine):
            problems.append(f"customer {cid}: audit log holds {len(notes)} edits, {len(mine)} made")
        if mine and row.notes != mine[-1][1]:
            problems.append(f"customer {cid}: notes are not the last successful edit's")
    return problems
