"""Cycles of a dependency graph, found without recursion and in a stable order.

The loader and the catalogue ask which awards read each other around a circle; the answer
must not depend on the order in which files or awards were read, and a hostile ruleset of
thousands of awards must not exhaust the stack.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Set


def cycles(graph: Mapping[str, Set[str]]) -> list[tuple[str, ...]]:
    """One shortest cycle through the smallest node of each group of nodes that reach each
    other (each strongly connected component with a cycle), sorted. A cycle is given as its
    nodes in order, from its smallest node; edges to nodes outside ``graph`` are ignored."""
    found = []
    for component in _components(graph):
        start = min(component)
        if len(component) == 1 and start not in graph[start]:
            continue
        found.append(_shortest_cycle(graph, start, component))
    return sorted(found)


def _components(graph: Mapping[str, Set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components, iteratively, visiting nodes in sorted order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(n for n in graph[root] if n in graph)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append(
                        (successor, iter(sorted(n for n in graph[successor] if n in graph)))
                    )
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    components.append(component)
    return components


def _shortest_cycle(
    graph: Mapping[str, Set[str]], start: str, component: set[str]
) -> tuple[str, ...]:
    """The shortest path from ``start`` back to itself inside ``component`` (breadth first,
    successors in sorted order, so the same graph always gives the same cycle)."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for successor in sorted(graph[node]):
            if successor == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return tuple(reversed(path))
            if successor in component and successor not in previous:
                previous[successor] = node
                queue.append(successor)
    raise AssertionError("a strongly connected component with a cycle has one")  # unreachable
