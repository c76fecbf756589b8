"""Evaluation: (population, rulesets in force, period) → result frames.

Takes a validated population and the awards of the rulesets in force; gives one result frame
per subject kind, with a column per rule, an outcome column per award and the quota and gap
columns explanations read.
"""
