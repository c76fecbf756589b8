"""A Griffe extension for the documentation site: the Sphinx roles of the docstrings as links.

The docstrings of ``src/emulation`` are written for people reading the code and for
``help()``: reST-flavoured prose that names other objects with Sphinx roles (``:func:`name```,
``:class:`~emulation.errors.DataError```, ``:mod:`emulation.cli```). mkdocstrings renders
docstrings as Markdown, where a role would show as literal text. This extension rewrites each
role, before the docstring is parsed, into what the site can show:

- a link (a mkdocstrings cross-reference) when the object is on the API reference page: a
  public name of ``emulation.__all__`` or a public member of one, whatever module the role
  names it by;
- plain code (`` `name` ``) for everything else: private modules and their members, the
  standard library (the site is offline, so it carries no other project's inventory).

A role whose name resolves nowhere — not in the scope of the docstring, not in the
``emulation`` package, not a built-in or a standard-library module — is a mistake in the
docstring. In a docstring the site shows (a public name's, or a public member's) it is logged
as a warning, which fails ``mkdocs build --strict``; elsewhere it becomes code, as the site
does not show it.

Loaded by ``mkdocs.yml`` (``extensions: - docs/griffe_roles.py:SphinxRoles``).
"""

from __future__ import annotations

import builtins
import re
import sys
from typing import Any

import griffe

_logger = griffe.get_logger("griffe_roles")

#: ``:func:`name``` and the like; ``~`` before the target shows only its last part.
ROLE = re.compile(
    r":(?:py:)?(?P<role>func|class|meth|attr|data|mod|exc|obj|const):`(?P<tilde>~?)(?P<target>[^`]+)`"
)


class SphinxRoles(griffe.Extension):
    """Rewrite the Sphinx roles of every docstring of the package into links or code."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        public = _public_homes(pkg)
        for obj in _objects(pkg):
            docstring = obj.docstring
            if docstring is None or ":" not in docstring.value:
                continue
            shown = _public(obj.path, public) is not None
            docstring.value = ROLE.sub(
                lambda match, obj=obj, shown=shown: _rewrite(match, obj, pkg, public, shown),
                docstring.value,
            )


def _objects(module: griffe.Module) -> list[griffe.Object]:
    """Every object defined in ``module`` and its submodules (aliases left out)."""
    found: list[griffe.Object] = []
    stack: list[griffe.Object] = [module]
    while stack:
        obj = stack.pop()
        found.append(obj)
        stack.extend(member for member in obj.members.values() if not member.is_alias)
    return found


def _public_homes(pkg: griffe.Module) -> dict[str, str]:
    """``{canonical path: public path}`` of every name of the package's ``__all__``."""
    homes: dict[str, str] = {}
    for name in pkg.exports or ():
        member = pkg.members.get(name) if isinstance(name, str) else None
        if member is None:
            continue
        try:
            homes[member.canonical_path] = f"{pkg.path}.{name}"
        except griffe.AliasResolutionError:
            continue
    return homes


def _resolve(target: str, obj: griffe.Object, pkg: griffe.Module) -> str | None:
    """The full path ``target`` names in the scope of ``obj``, or None."""
    if target.startswith("."):  # relative to the module: ``:mod:`.scores```
        module = obj.module
        package = module if module.is_init_module else module.parent
        return f"{package.path}{target}" if package is not None else None
    head, _, rest = target.partition(".")
    if head == pkg.name:
        return target
    try:
        resolved = obj.resolve(head)
    except griffe.NameResolutionError:
        return None
    return f"{resolved}.{rest}" if rest else resolved


def _canonical(path: str, pkg: griffe.Module) -> str | None:
    """The canonical path of the object at ``path`` in the package, or None when absent."""
    try:
        found = pkg.modules_collection.get_member(path) if pkg.modules_collection else None
    except KeyError:
        return None
    if found is None:
        return None
    try:
        return found.canonical_path
    except griffe.AliasResolutionError:
        return None


def _public(canonical: str, public: dict[str, str]) -> str | None:
    """The path of ``canonical`` on the API page: a public name or a public member of one."""
    for home, path in public.items():
        if canonical == home:
            return path
        if canonical.startswith(home + "."):
            rest = canonical[len(home) + 1 :]
            if not any(part.startswith("_") for part in rest.split(".")):
                return f"{path}.{rest}"
    return None


def _rewrite(
    match: re.Match[str],
    obj: griffe.Object,
    pkg: griffe.Module,
    public: dict[str, str],
    shown: bool,
) -> str:
    target = match["target"]
    title = target.rsplit(".", 1)[-1] if match["tilde"] else target.lstrip(".")
    code = f"`{title}`"
    head = target.lstrip(".").split(".", 1)[0]
    resolved = _resolve(target, obj, pkg)
    if resolved is None:
        if head in sys.stdlib_module_names or hasattr(builtins, head) or not shown:
            return code
        _logger.warning(f"{obj.path}: the docstring names {target!r}, which is nowhere")
        return code
    if not resolved.startswith(pkg.name + "."):
        return code  # another package: the standard library, attrs, Polars
    canonical = _canonical(resolved, pkg)
    if canonical is None:
        if not shown:
            return code
        _logger.warning(f"{obj.path}: the docstring names {target!r}, which is not in {pkg.name}")
        return code
    page_path = _public(canonical, public)
    return f"[{code}][{page_path}]" if page_path else code
