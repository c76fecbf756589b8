"""Results: result frames → decisions that explain themselves.

Takes the frames of an evaluation; gives :class:`~emulation.Decision` objects with every
criterion, the values it read, the reasons in Vietnamese and English, and the text shown to
people.
"""
