"""The data: records and files → one validated :class:`~emulation.Population`.

Takes Python records, Polars frames, a JSON document or a folder of CSV tables; gives a
population whose six frames follow one schema, cast by one set of rules, with every bad value
reported by file and row and every self-contradicting history set aside.
"""
