"""What the testing kit shares: the ``emulation test`` runner, criterion coverage, variants of
a population, threshold edges and readable counterexamples. Private: the public kit is
:mod:`emulation.cases`, :mod:`emulation.strategies`, :mod:`emulation.properties` and the
pytest plugin.
"""
