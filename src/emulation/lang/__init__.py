"""The rule language: text → checked tree → Polars expression.

Takes an expression's text and a scope (fact declarations, parameter types, function
signatures); gives a typed tree, or located problems, and compiles the tree to a Polars
expression. It knows no population and no ruleset file; it is the one place that touches
:mod:`ast`.
"""
