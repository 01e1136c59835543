"""Limits on rendering a user's Jinja SQL: time, steps, size, and cancellation.

A SQL template is user input (the server's query editor, a merge request's ``spyglass.yml``), so
rendering must end quickly, in bounded memory, and stop when its run is cancelled. Nothing is
killed: :func:`compile_guarded` parses each template of a render (the user's SQL, the project macros it
calls) to Jinja's AST and rewrites it so the compiled code checks the render's one :class:`Budget`.

- Every ``for`` loop iterates through :meth:`GuardedEnvironment.spyglass_iter`; every loop iteration,
  call, attribute or item lookup, operator and filter is a *step*. Each step checks the deadline, the
  cancel token and the step budget, so no loop or recursion outlives :attr:`RenderLimits.seconds`.
- Every piece of output, also into macro bodies and ``set``/``filter`` blocks, goes through
  :meth:`GuardedEnvironment.spyglass_emit`, which counts the text produced in total.
- No value grows past :attr:`RenderLimits.max_chars`: ``*``, ``**``, ``+``, ``%``, ``~``, string
  methods and the filters that multiply text are checked *before* they compute (``'x' * 10**9`` and
  ``7 ** 10**8`` are refused, not run); results are measured after.
- The environment is Jinja's immutable sandbox (no ``list.append``); strings expose only the
  methods in :data:`STR_METHODS`; ``lipsum`` is gone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import update_wrapper
from typing import Any, cast

from jinja2 import StrictUndefined, Template, meta, nodes
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from spyglass.project.render_budget import (
    OPERATOR_CHECKS,
    Budget,
    Cancellation,
    GuardedIterable,
    RenderLimits,
    SizedIterator,
    bounded_list,
    check_format_spec,
    check_printf,
    check_replace,
)

#: the string methods a template may call (no ``translate``/``expandtabs``/``encode``)
STR_METHODS = frozenset({
    "capitalize", "casefold", "center", "count", "endswith", "find", "format", "format_map", "index",
    "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric",
    "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "partition",
    "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit",
    "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title", "upper", "zfill",
})
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill"})


def _arg(values: list[Any], kwargs: dict[str, Any], index: int, name: str, default: Any) -> Any:
    return values[index] if len(values) > index else kwargs.get(name, default)


def _precheck_join(budget: Budget, values: list[Any], kwargs: dict[str, Any]) -> None:
    separator = str(_arg(values, kwargs, 1, "d", ""))
    if values:
        values[0] = bounded_list(budget, values[0], separator, "joins text into a string that is too large")


def _precheck_indent(budget: Budget, values: list[Any], kwargs: dict[str, Any]) -> None:
    text, width = str(_arg(values, kwargs, 0, "s", "")), _arg(values, kwargs, 1, "width", 4)
    per_line = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    if len(text) + (text.count("\n") + 1) * per_line > budget.limits.max_chars:
        budget.refuse("indents text into a string that is too large")


def _precheck_wordwrap(budget: Budget, values: list[Any], kwargs: dict[str, Any]) -> None:
    text, wrap = str(_arg(values, kwargs, 0, "s", "")), _arg(values, kwargs, 3, "wrapstring", None)
    if isinstance(wrap, str) and len(text) * (1 + len(wrap)) > budget.limits.max_chars:
        budget.refuse("wraps text into a string that is too large")


def _precheck_sum(budget: Budget, values: list[Any], kwargs: dict[str, Any]) -> None:
    if not isinstance(_arg(values, kwargs, 2, "start", 0), int | float):
        budget.stop("The SQL template sums values that are not numbers (sum() of strings or lists).",
                    "Use join for strings; sum() only adds numbers in a SQL template.")


def _precheck_width(index: int, name: str) -> Callable[[Budget, list[Any], dict[str, Any]], None]:
    def check(budget: Budget, values: list[Any], kwargs: dict[str, Any]) -> None:
        budget.check_width(_arg(values, kwargs, index, name, 0), "asks a filter for a width or count that is too large")
    return check


_FILTER_CHECKS: dict[str, Callable[[Budget, list[Any], dict[str, Any]], None]] = {
    "join": _precheck_join,
    "indent": _precheck_indent,
    "wordwrap": _precheck_wordwrap,
    "sum": _precheck_sum,
    "center": _precheck_width(1, "width"),
    "batch": _precheck_width(1, "linecount"),
    "slice": _precheck_width(1, "slices"),
    "replace": lambda budget, v, kw: check_replace(budget, _arg(v, kw, 0, "s", ""), _arg(v, kw, 1, "old", ""),
                                                    _arg(v, kw, 2, "new", ""), _arg(v, kw, 3, "count", None)),
    "format": lambda budget, v, kw: check_printf(budget, _arg(v, kw, 0, "value", "")),
}


def _guarded_filter(name: str, func: Callable[..., Any], budget: Budget) -> Callable[..., Any]:
    """``func`` with a step, size checks before (inputs, amplifying arguments) and after (its result)."""
    passes_context = getattr(func, "jinja_pass_arg", None) is not None

    def guarded(*args: Any, **kwargs: Any) -> Any:
        budget.step()
        head, values = (args[:1], list(args[1:])) if passes_context else ((), list(args))
        budget.check_size(*values, *kwargs.values(), what=f"passes a value that is too large to the {name} filter")
        check = _FILTER_CHECKS.get(name)
        if check is not None:
            check(budget, values, kwargs)
        result = func(*head, *values, **kwargs)
        if isinstance(result, Iterator):
            return SizedIterator(result, budget, name)
        budget.check_size(result, what=f"builds a value that is too large with the {name} filter")
        return result

    return update_wrapper(guarded, func)  # keeps jinja_pass_arg


def _check_call(budget: Budget, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Checks before calling ``func`` from a template; returns the arguments to call it with."""
    target = getattr(func, "__wrapped__", func)  # str.format, wrapped by the sandbox
    receiver, name = getattr(target, "__self__", None), getattr(target, "__name__", "")
    budget.check_size(*args, *kwargs.values(), what="passes a value that is too large to a function")
    if not isinstance(receiver, str):
        return args
    if name in ("format", "format_map"):
        check_format_spec(budget, receiver)
    elif name in _WIDTH_METHODS and args:
        budget.check_width(args[0], f"asks str.{name} for a width that is too large")
    elif name == "replace" and len(args) >= 2:
        check_replace(budget, receiver, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count", -1))
    elif name == "join" and args:
        return (bounded_list(budget, args[0], receiver, "joins text into a string that is too large"),)
    return args


class GuardedEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, charging every step and size to one :class:`Budget` (see module doc)."""

    intercepted_binops = frozenset(OPERATOR_CHECKS)

    def __init__(self, budget: Budget) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=False)
        self.budget = budget
        self.globals.pop("lipsum", None)
        self.filters = {name: _guarded_filter(name, func, budget) for name, func in self.filters.items()}

    # -- hooks the rewritten AST calls (nodes.EnvironmentAttribute: unreachable from a template) -------------
    def spyglass_iter(self, iterable: Any) -> GuardedIterable:
        return GuardedIterable(iterable, self.budget)

    def spyglass_emit(self, value: Any) -> str:
        self.budget.check_size(value, what="outputs a value that is too large")
        text = str(value)
        self.budget.produced(text)
        return text

    def spyglass_concat(self, *values: Any) -> str:
        self.budget.step()
        self.budget.check_size(*values, what="joins text (~) into a string that is too large")
        return "".join(str(value) for value in values)

    # -- the sandbox's own interception points -----------------------------------------------------------------
    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and callable(value) and attr not in STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(__obj, "__self__", None) is __self:  # a hook of this environment
            return __context.call(__obj, *args, **kwargs)
        __self.budget.step()
        if isinstance(__obj, LoopContext) and args:  # loop(children) in a recursive for
            args = (__self.spyglass_iter(args[0]), *args[1:])
        args = _check_call(__self.budget, __obj, args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        __self.budget.check_size(result)
        return result

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        self.budget.step()
        OPERATOR_CHECKS[operator](self.budget, left, right)
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        self.budget.step()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self.budget.step()
        return super().getitem(obj, argument)


class _Rewriter(NodeTransformer):
    """Routes loops, output and ``~`` through the environment's hooks."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _hook("spyglass_iter", [cast(nodes.Expr, node.iter)], node.lineno)
        return node

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        self.generic_visit(node)
        node.nodes = [_hook("spyglass_emit", [child], child.lineno) for child in node.nodes]
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _hook("spyglass_concat", list(node.nodes), node.lineno)


def _hook(name: str, args: list[nodes.Expr], lineno: int) -> nodes.Call:
    return nodes.Call(nodes.EnvironmentAttribute(name, lineno=lineno), args, [], None, None, lineno=lineno)


def guarded_environment(limits: RenderLimits, cancel: Cancellation | None) -> GuardedEnvironment:
    """The environment of one render: every template compiled in it (the user's SQL, the macros it
    calls, the vars it reads) spends one budget of ``limits`` and stops when ``cancel`` fires."""
    return GuardedEnvironment(Budget(limits, cancel))


def compile_guarded(environment: GuardedEnvironment, source: str) -> tuple[Template, frozenset[str]]:
    """``source`` compiled so that rendering it respects the environment's budget (see module doc),
    and the names it reads without defining them (what its context must provide).

    Raises:
        RenderLimitExceeded: the template itself is longer than ``limits.max_chars``.
        jinja2.TemplateSyntaxError: it is not valid Jinja.
    """
    if len(source) > environment.budget.limits.max_chars:
        environment.budget.refuse(f"is {len(source):,} characters long")
    tree = environment.parse(source)
    # a name some branch assigns (``{% if %}{% set x %}``) is not "read without defining it"
    assigned = {name.name for name in tree.find_all(nodes.Name) if name.ctx in ("store", "param")}
    undeclared = frozenset(meta.find_undeclared_variables(tree) - assigned)
    tree = _Rewriter().visit(tree)
    tree.set_environment(environment)
    return environment.from_string(tree), undeclared
