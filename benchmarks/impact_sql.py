"""The SQL of a synthetic dbt project for the change-intelligence benchmark (see :mod:`benchmarks.impact_project`).

A side-independent :class:`Plan`: for every model its parents and a relation-free :class:`Query` made
from one of a few templates, written as dbt projects are: staging models over sources with CTEs,
renames and casts; joins of two models through ``select *`` CTEs with qualified columns, ``coalesce``,
``CASE`` and sometimes a seed lookup; aggregates with ``GROUP BY``/``HAVING``; ``select *`` with window
functions and ``QUALIFY``; ``o.*`` over a join. About 5% of models change in current, evenly over the
five kinds of :data:`CHANGES`; a few leaf models are removed and a few new ones added.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from benchmarks.bench_lineage import _sources

SCHEMAS = {False: "analytics", True: "dbt_mr_1234"}  # base, current (keyed by ``changed``)
#: the kinds of change, each applied to ~1% of models in current
CHANGES = ("added_column", "changed_expression", "new_filter", "formatting", "config")
WORDS = {
    "num": ("amount", "price", "quantity", "discount", "tax", "cost", "revenue", "margin", "balance", "fee"),
    "text": ("status", "channel", "region", "country", "category", "segment", "plan", "currency", "tier", "brand"),
    "time": ("created_at", "updated_at", "shipped_at", "closed_at", "paid_at"),
}
Col = tuple[str, str]  # (name, kind)
SEED_COLUMNS: tuple[Col, ...] = (("code", "text"), ("label", "text"), ("weight", "num"))


@dataclass(frozen=True)
class Item:
    """One output column: its SQL expression (``@k`` is the tunable threshold) and its name and kind."""

    expression: str
    column: Col

    def sql(self) -> str:
        name = self.column[0]
        return self.expression if self.expression.rsplit(".", 1)[-1] == name else f"{self.expression} as {name}"


@dataclass(frozen=True)
class Query:
    """One model's SQL, relation-free: ``@0``, ``@1`` ... stand for its parents' relations."""

    items: tuple[Item, ...]
    source: str
    ctes: tuple[tuple[str, str], ...] = ()
    joins: tuple[str, ...] = ()
    where: tuple[str, ...] = ()
    group_by: tuple[str, ...] = ()
    having: str | None = None
    qualify: str | None = None
    #: the select starts with ``*`` or ``alias.*``: the first parent's columns come first
    star: str | None = None
    #: the body goes in a ``final`` CTE and the model selects ``*`` from it (dbt's style guide)
    wrap: bool = False
    #: for changes: a numeric expression for an added column, and a condition for a new filter
    added: str = "1"
    new_filter: str = "true"


@dataclass(frozen=True)
class ModelPlan:
    index: int
    parents: tuple[str, ...]
    query: Query
    materialized: str
    #: one of CHANGES, "removed", "added" or None
    change: str | None = None

    @property
    def unique_id(self) -> str:
        return f"model.big.model_{self.index:05d}"


@dataclass(frozen=True)
class Plan:
    """The whole project, side-independent: both manifests and catalogs are rendered from it."""

    sources: dict[str, tuple[Col, ...]]
    seeds: dict[str, tuple[Col, ...]]
    models: tuple[ModelPlan, ...]
    exposure_pool: tuple[str, ...]


class _Names:
    """Fresh output column names for one model, avoiding those it already has."""

    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        self.rng, self.taken = rng, taken

    def fresh(self, kind: str) -> str:
        words = WORDS["num" if kind in ("int", "wide") else kind]
        for word in self.rng.sample(words, len(words)):
            if word not in self.taken:
                self.taken.add(word)
                return word
        name = next(f"{words[0]}_{n}" for n in range(2, 999) if f"{words[0]}_{n}" not in self.taken)
        self.taken.add(name)
        return name


def _of(cols: tuple[Col, ...], kind: str, rng: random.Random, k: int = 1) -> list[str]:
    names = [name for name, c in cols if c == kind]
    return rng.sample(names, min(k, len(names)))


def _band(ref: str, name: str) -> Item:
    return Item(f"case when {ref} > @k then 'high' when {ref} > 10 then 'mid' else 'low' end", (name, "text"))


# -- templates: (rng, parent columns, seed columns or None) -> Query --------------------------------------------
def _staging(rng: random.Random, parents: list[tuple[Col, ...]], seed: tuple[Col, ...] | None) -> Query:
    raw = parents[0]
    nums, texts, times = (_of(raw, k, rng, 3) for k in ("num", "text", "time"))
    items = [Item("id", ("id", "id"))]
    items += [Item(f"cast({c} as double)" if i == 0 else c, (c[2:], "num")) for i, c in enumerate(nums)]
    items += [Item(f"lower({c})" if i == 0 else c, (c[2:], "text")) for i, c in enumerate(texts)]
    items += [Item(c, (c[2:], "time")) for c in times]
    items.append(_band(nums[0], f"{nums[0][2:]}_band"))
    return Query(items=tuple(items), source="source", ctes=(("source", "select * from @0"),), wrap=True,
                 where=("id is not null",), added=f"round({nums[1]} * 0.2, 2)", new_filter=f"{texts[1]} <> 'returned'")


def _join(rng: random.Random, parents: list[tuple[Col, ...]], seed: tuple[Col, ...] | None) -> Query:
    a, b = parents[0], parents[1]
    names = _Names(rng, {"id"})
    items = [Item("a.id", ("id", "id"))]
    for name in _of(a, "num", rng, 2) + _of(a, "text", rng, 2) + _of(a, "time", rng):
        names.taken.add(name)
        items.append(Item(f"a.{name}", (name, dict(a)[name])))
    for name in _of(b, "num", rng, 2) + _of(b, "text", rng, 1):
        kind = dict(b)[name]
        new = name if name not in names.taken else names.fresh(kind)
        names.taken.add(new)
        items.append(Item(f"coalesce(b.{name}, 0)" if kind == "num" and new != name else f"b.{name}", (new, kind)))
    a_num, b_num, a_text = _of(a, "num", rng)[0], _of(b, "num", rng)[0], _of(a, "text", rng)[0]
    items.append(Item(f"a.{a_num} + coalesce(b.{b_num}, 0)", (names.fresh("num"), "num")))
    items.append(_band(f"a.{a_num}", names.fresh("text")))
    ctes: tuple[tuple[str, str], ...] = (("a", "select * from @0"), ("b", "select * from @1"))
    joins = [f"{rng.choice(('left', 'inner'))} join b on a.id = b.id"]
    if seed is not None:
        ctes += (("s", "select * from @2"),)
        joins.append(f"left join s on s.code = a.{a_text}")
        items.append(Item("s.label", (names.fresh("text"), "text")))
    where = (f"a.{_of(a, 'text', rng)[0]} <> 'deleted'",) if rng.random() < 0.5 else ()
    return Query(items=tuple(items), source="a", ctes=ctes, joins=tuple(joins), where=where,
                 wrap=rng.random() < 0.3, added=f"round(a.{a_num} * 0.2, 2)", new_filter=f"a.{a_text} <> 'returned'")


def _aggregate(rng: random.Random, parents: list[tuple[Col, ...]], seed: tuple[Col, ...] | None) -> Query:
    p = parents[0]
    text, nums, time = _of(p, "text", rng)[0], _of(p, "num", rng, 2), _of(p, "time", rng)[0]
    names = _Names(rng, {"id", text})
    items = [Item("p.id", ("id", "id")), Item(f"p.{text}", (text, "text")),
             Item("count(*)", ("row_count", "int"))]
    items += [Item(f"{fn}(p.{n})", (names.fresh("num"), "num")) for fn, n in zip(("sum", "avg"), nums, strict=False)]
    items.append(Item(f"max(p.{time})", (names.fresh("time"), "time")))
    items.append(Item(f"sum(case when p.{nums[0]} > @k then 1 else 0 end)", (names.fresh("wide"), "wide")))
    return Query(items=tuple(items), source="@0 as p", group_by=("p.id", f"p.{text}"),
                 having="count(*) > 0" if rng.random() < 0.3 else None,
                 added=f"round(sum(p.{nums[0]}) * 0.2, 2)", new_filter=f"p.{text} <> 'returned'")


def _window(rng: random.Random, parents: list[tuple[Col, ...]], seed: tuple[Col, ...] | None) -> Query:
    p = parents[0]
    text, num, time = _of(p, "text", rng)[0], _of(p, "num", rng)[0], _of(p, "time", rng)[0]
    names = _Names(rng, {n for n, _ in p})
    items = (Item(f"row_number() over (partition by {text} order by {time} desc)", (names.fresh("int"), "int")),
             Item(f"sum({num}) over (partition by {text})", (names.fresh("num"), "num")),
             _band(num, names.fresh("text")))
    qualify = f"row_number() over (partition by id order by {time} desc) = 1" if rng.random() < 0.2 else None
    return Query(items=items, source="@0", star="*", qualify=qualify, where=(f"{num} is not null",),
                 added=f"round({num} * 0.2, 2)", new_filter=f"{text} <> 'returned'")


def _star_join(rng: random.Random, parents: list[tuple[Col, ...]], seed: tuple[Col, ...] | None) -> Query:
    o, c = parents[0], parents[1]
    names = _Names(rng, {n for n, _ in o})
    o_num, o_text = _of(o, "num", rng)[0], _of(o, "text", rng)[0]
    items = (Item(f"c.{_of(c, 'text', rng)[0]}", (names.fresh("text"), "text")),
             Item(f"case when o.{o_num} > @k then c.{_of(c, 'num', rng)[0]} else 0 end", (names.fresh("num"), "num")))
    return Query(items=items, source="@0 as o", star="o.*", joins=("inner join @1 as c on c.id = o.id",),
                 where=(f"o.{o_text} <> 'cancelled'",), added=f"round(o.{o_num} * 0.2, 2)",
                 new_filter=f"o.{o_text} <> 'returned'")


TEMPLATES = {"join": _join, "aggregate": _aggregate, "window": _window, "star_join": _star_join}
WIDE = 24  # no star template over a parent wider than this (columns would pile up layer after layer)


def _source_columns(rng: random.Random) -> tuple[Col, ...]:
    cols: list[Col] = [("id", "id")]
    for kind, k in (("num", 3), ("text", 3), ("time", 1)):
        cols += [(f"c_{word}", kind) for word in rng.sample(WORDS[kind], k)]
    return tuple(cols)


def output_columns(query: Query, first_parent: tuple[Col, ...]) -> tuple[Col, ...]:
    """The columns a query makes, in order, given its first parent's columns (for a ``*``)."""
    return (first_parent if query.star else ()) + tuple(item.column for item in query.items)


def _plan_model(rng: random.Random, index: int, pool: list[str], columns: dict[str, tuple[Col, ...]],
                seeds: list[str]) -> ModelPlan:
    template = rng.choices(list(TEMPLATES), weights=(4, 3, 2, 2))[0]
    if template in ("join", "star_join") and len(pool) < 2:
        template = "aggregate"
    parents = rng.sample(pool[-400:], 2 if template in ("join", "star_join") else 1)
    if template in ("window", "star_join") and len(columns[parents[0]]) > WIDE:
        template = "aggregate"
        parents = parents[:1]
    seed = rng.choice(seeds) if template == "join" and rng.random() < 0.3 else None
    query = TEMPLATES[template](rng, [columns[p] for p in parents], columns[seed] if seed else None)
    return ModelPlan(index=index, parents=tuple(parents) + ((seed,) if seed else ()), query=query,
                     materialized=rng.choice(("view", "table", "table")))


def make_plan(models: int, seed: int = 42) -> Plan:
    """The project: ``models`` models (the first tenth staging over the sources), plus ``models // 250``
    added in current; the change kinds drawn from their own random stream."""
    rng, change = random.Random(seed), random.Random(seed + 1)
    sources = {uid: _source_columns(rng) for uid in _sources()}
    seeds = {f"seed.big.seed_{k:02d}": SEED_COLUMNS for k in range(20)}
    columns: dict[str, tuple[Col, ...]] = {**sources, **seeds}
    plans: list[ModelPlan] = []
    for i in range(models):
        if i < max(1, models // 10):
            source = rng.choice(list(sources))
            plan = ModelPlan(index=i, parents=(source,), query=_staging(rng, [sources[source]], None),
                             materialized="view")
        else:
            plan = _plan_model(rng, i, [p.unique_id for p in plans[-400:]], columns, list(seeds))
        roll = change.random()
        plan = replace(plan, change=CHANGES[int(roll * 100)] if roll < 0.05 else None)
        columns[plan.unique_id] = output_columns(plan.query, columns[plan.parents[0]])
        plans.append(plan)
    parents = {p for plan in plans for p in plan.parents}
    leaves = [plan.index for plan in plans if plan.unique_id not in parents and plan.change is None]
    removed = set(change.sample(leaves, min(len(leaves), models // 500)))
    plans = [replace(p, change="removed") if p.index in removed else p for p in plans]
    kept = [p.unique_id for p in plans if p.change != "removed"]
    for j in range(models // 250):
        plans.append(replace(_plan_model(rng, models + j, kept, columns, list(seeds)), change="added"))
    return Plan(sources=sources, seeds=seeds, models=tuple(plans), exposure_pool=tuple(list(sources) + kept))


# -- rendering ----------------------------------------------------------------------------------------------------
def effective_query(plan: ModelPlan, changed: bool) -> Query:
    """The model's query on one side: in current, with its added column or new filter."""
    query = plan.query
    if changed and plan.change == "added_column":
        return replace(query, items=(*query.items, Item(query.added, (f"tax_m{plan.index}", "num"))))
    if changed and plan.change == "new_filter":
        return replace(query, where=(*query.where, query.new_filter))
    return query


def _select(query: Query, ind: str) -> str:
    items = ([query.star] if query.star else []) + [item.sql() for item in query.items]
    lines = ["select", *(f"{ind}{sql}," for sql in items[:-1]), f"{ind}{items[-1]}", f"from {query.source}"]
    lines += query.joins
    if query.where:
        lines.append("where " + f"\n{ind}and ".join(query.where))
    if query.group_by:
        lines.append("group by " + ", ".join(query.group_by))
    if query.having:
        lines.append(f"having {query.having}")
    if query.qualify:
        lines.append(f"qualify {query.qualify}")
    return "\n".join(lines)


def render_sql(query: Query, relations: list[str], *, threshold: int = 100, reformatted: bool = False) -> str:
    """SQL of ``query`` over ``relations`` (``@0``, ``@1`` ...); ``reformatted`` lays it out otherwise,
    with a comment, meaning the same."""
    ind = "  " if reformatted else "    "
    body = _select(query, ind)
    ctes = list(query.ctes)
    if query.wrap:
        ctes.append(("final", body))
        body = "select * from final"
    if ctes:
        blocks = (f"{name} as (\n\n" + "\n".join(ind + line for line in sql.splitlines()) + "\n\n)"
                  for name, sql in ctes)
        body = "with " + ",\n\n".join(blocks) + "\n\n" + body
    if reformatted:
        body = "-- reviewed with the finance team; see the dashboard notes\n" + body.replace("\n\n", "\n") + "\n"
    body = body.replace("@k", str(threshold))
    for position, relation in enumerate(relations):
        body = body.replace(f"@{position}", relation)
    return body + "\n"


def relation_name(uid: str, changed: bool) -> str:
    """The relation dbt renders for a node (sources are shared; models and seeds per side)."""
    name = uid.rsplit(".", 1)[-1]
    return f'"raw"."landing"."{name}"' if uid.startswith("source.") else f'"warehouse"."{SCHEMAS[changed]}"."{name}"'


def jinja(uid: str) -> str:
    name = uid.rsplit(".", 1)[-1]
    return f"{{{{ source('raw', '{name}') }}}}" if uid.startswith("source.") else f"{{{{ ref('{name}') }}}}"
