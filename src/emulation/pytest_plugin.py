"""The pytest plugin (entry point ``pytest11``, name ``emulation``).

* Case files — files named ``*.cases.toml`` under the paths pytest collects — become one test
  per case; a failure reads expected against actual outcome and reasons, then every rule of
  the decision with its expression and the values it read.
* After the run, a criterion coverage report: which rules the cases saw both true and false.
  ``emulation_min_coverage = 100`` fails the run below that percentage (only when every
  collected case ran, so ``-k`` and ``-x`` runs are not failed for coverage).
* Fixtures: ``emulation_engine`` (the installed plugins, plus ``emulation_rulesets``) and
  ``emulation_population`` (from the ``emulation_population`` marker or ini option).
* ``emulation_cases = false`` switches case-file collection off; ``-p no:emulation`` the whole
  plugin.

A case file tests the rulesets of its own folder (or of the nearest parent folder holding
ruleset files); they replace the installed rulesets of the same id, and only they count for
coverage. The engine is imported only when a hook or fixture needs it. Reference:
``docs/reference/case-files.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest  # noqa: TID251 - this module is the pytest plugin

if TYPE_CHECKING:
    from emulation._testing.coverage import Coverage
    from emulation.cases import Case
    from emulation.data.population import Population
    from emulation.engine import Engine

SUFFIX = ".cases.toml"


class _State:
    """What the plugin keeps for one session: engines by ruleset folder, the coverage, and
    whether every collected case ran."""

    def __init__(self) -> None:
        self.engines: dict[Path, Engine | Exception] = {}
        self._coverage: Coverage | None = None
        self.collected = 0
        self.ran = 0
        self.partial = False
        self.verdict: str | None = None

    @property
    def coverage(self) -> Coverage:
        if self._coverage is None:
            # lazy: the plugin loads the engine only when a hook or fixture needs it
            from emulation._testing.coverage import Coverage

            self._coverage = Coverage()
        return self._coverage

    def engine(self, folder: Path) -> Engine:
        if folder not in self.engines:
            # lazy: the plugin loads the engine only when a hook or fixture needs it
            from emulation._testing.runner import engine_for

            try:
                tested = engine_for([folder])
            except Exception as error:  # reported by every case of the folder
                self.engines[folder] = error
            else:
                self.engines[folder] = tested.engine
                self.coverage.add_rulesets(tested.rulesets)
                self.coverage.add_movements(tested.rulesets)
        found = self.engines[folder]
        if isinstance(found, Exception):
            raise found
        return found


_STATE = pytest.StashKey[_State]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "emulation_cases",
        type="bool",
        default=True,
        help="emulation: collect *.cases.toml case files as tests (default true)",
    )
    parser.addini(
        "emulation_min_coverage",
        default="0",
        help="emulation: fail the run when the case files cover fewer rules, in percent",
    )
    parser.addini(
        "emulation_rulesets",
        type="paths",
        default=[],
        help="emulation: extra ruleset files or folders for the emulation_engine fixture",
    )
    parser.addini(
        "emulation_population",
        default="",
        help="emulation: data (JSON file or CSV folder) for the emulation_population fixture",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_STATE] = _State()
    config.addinivalue_line(
        "markers",
        "emulation_population(data): the population for the emulation_population fixture — "
        "a dict in the nested JSON form, or a path to a JSON file or CSV folder",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> CaseFile | None:
    if file_path.name.endswith(SUFFIX) and parent.config.getini("emulation_cases"):
        found: CaseFile = CaseFile.from_parent(parent, path=file_path)
        return found
    return None


class CaseFile(pytest.File):
    """A ``*.cases.toml`` file: one item per case."""

    def collect(self) -> Iterator[CaseItem]:
        # lazy: the plugin loads the engine only when a hook or fixture needs it
        from emulation.cases import load_case_file

        for case in load_case_file(self.path):
            yield CaseItem.from_parent(self, name=f"case[{case.index}] {case.name}", case=case)

    # pytest's Collector.repr_failure drops the ``style`` argument of Node.repr_failure, so any
    # override of it is incompatible with one of the two in mypy's eyes
    def repr_failure(  # type: ignore[override]
        self, excinfo: pytest.ExceptionInfo[BaseException]
    ) -> str | Any:
        # lazy: the plugin loads the engine only when a hook or fixture needs it
        from emulation.errors import EmulationError

        if isinstance(excinfo.value, EmulationError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class CaseFailed(Exception):
    """A case whose expectations did not hold; the message is the readable report."""


class CaseItem(pytest.Item):
    """One case of a case file."""

    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        # lazy: the plugin loads the engine only when a hook or fixture needs it
        from emulation._testing.runner import case_failure, rulesets_root
        from emulation.cases import run_case

        state = self.config.stash[_STATE]
        state.ran += 1
        engine = state.engine(rulesets_root(self.path, self.config.rootpath))
        result = run_case(engine, self.case)
        state.coverage.record(result.evaluation.decisions())
        state.coverage.record_movements(result.evaluation)
        if not result.passed:
            # pytest heads the report with the case's name; the first line is the mismatch
            raise CaseFailed(case_failure(result, engine.rulesets, header=False).lstrip())

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        # lazy: the plugin loads the engine only when a hook or fixture needs it
        from emulation.errors import EmulationError

        if isinstance(excinfo.value, (CaseFailed, EmulationError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.path.name}: {self.name}"


def pytest_collection_finish(session: pytest.Session) -> None:
    state = session.config.stash[_STATE]
    state.collected = sum(isinstance(item, CaseItem) for item in session.items)


def pytest_deselected(items: list[pytest.Item]) -> None:
    for item in items:
        if isinstance(item, CaseItem):
            item.config.stash[_STATE].partial = True
            return


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session: pytest.Session) -> Iterator[None]:
    result = yield
    state = session.config.stash[_STATE]
    minimum = _min_coverage(session.config)
    if state.ran and minimum > 0:
        report = state.coverage.report()
        if state.partial or state.ran < state.collected:
            state.verdict = "not all cases ran: the coverage threshold was not checked"
        elif report.below(minimum):
            state.verdict = "FAILED: " + "; ".join(
                f"{'criterion ' if low.startswith('coverage') else ''}{low} is below "
                f"emulation_min_coverage = {minimum:g} %"
                for low in report.below(minimum)
            )
            session.testsfailed += 1
    return result


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = config.stash[_STATE]
    if not state.ran:
        return
    terminalreporter.section("emulation criterion coverage")
    for line in state.coverage.report().format().splitlines():
        terminalreporter.write_line(line)
    if state.verdict:
        terminalreporter.write_line(state.verdict, red=state.verdict.startswith("FAILED"))


def _min_coverage(config: pytest.Config) -> float:
    raw = str(config.getini("emulation_min_coverage")).strip().rstrip("%")
    try:
        return float(raw)
    except ValueError:
        raise pytest.UsageError(
            f"emulation_min_coverage must be a percentage such as 100, not {raw!r}"
        ) from None


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def emulation_engine(pytestconfig: pytest.Config) -> Engine:
    """An engine with the installed plugins and the ``emulation_rulesets`` ini paths."""
    # lazy: the plugin loads the engine only when a hook or fixture needs it
    from emulation.engine import build_engine

    paths: list[Path] = pytestconfig.getini("emulation_rulesets")
    return build_engine(ruleset_paths=paths)


@pytest.fixture
def emulation_population(request: pytest.FixtureRequest, emulation_engine: Engine) -> Population:
    """The population named by the test's ``emulation_population`` marker (a dict in the
    nested JSON form, or a path relative to the test file) or else by the
    ``emulation_population`` ini option (relative to the ini file)."""
    # lazy: the plugin loads the engine only when a hook or fixture needs it
    from emulation.data.population import Population

    marker = request.node.get_closest_marker("emulation_population")
    if marker is not None and marker.args:
        data = marker.args[0]
        if isinstance(data, dict):
            return Population.from_json(data, source=f"{request.node.nodeid} marker")
        return emulation_engine.read_population(Path(request.node.path).parent / str(data))
    configured = str(request.config.getini("emulation_population")).strip()
    if configured:
        base = request.config.inipath.parent if request.config.inipath else request.config.rootpath
        return emulation_engine.read_population(base / configured)
    pytest.fail(
        "emulation_population: give the data with @pytest.mark.emulation_population(...) "
        "or the emulation_population ini option",
        pytrace=False,
    )
