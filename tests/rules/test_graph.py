"""Cycles of the award dependency graph: one per group of awards reading each other, stable."""

from __future__ import annotations

from emulation.rules.graph import cycles


def test_no_cycle_in_a_chain() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_one_shortest_cycle_per_group_from_its_smallest_award() -> None:
    graph = {
        "d": {"e"},
        "e": {"d", "f"},
        "f": {"d"},
        "b": {"a"},
        "a": {"b", "x"},  # x is outside the graph: read from history, no edge
        "s": {"s"},
        "t": {"s"},
    }
    assert cycles(graph) == [("a", "b"), ("d", "e"), ("s",)]


def test_the_answer_does_not_depend_on_the_order_of_the_graph() -> None:
    forward = {"a": {"b"}, "b": {"c"}, "c": {"a"}}
    backward = dict(reversed(list(forward.items())))
    assert cycles(forward) == cycles(backward) == [("a", "b", "c")]


def test_a_long_chain_does_not_exhaust_the_stack() -> None:
    size = 10_000
    graph = {f"n{i}": {f"n{i + 1}"} for i in range(size)}
    graph[f"n{size}"] = {"n0"}
    [cycle] = cycles(graph)
    assert len(cycle) == size + 1
    assert cycle[0] == "n0"
