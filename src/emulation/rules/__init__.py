"""The rules: TOML rulesets → checked :class:`~emulation.Ruleset` models.

Takes ruleset files; gives the model (awards, rules, parameters, quotas …) of each version,
after checking every file and the rulesets loaded together (overlapping versions, awards
defined twice, awards named but defined nowhere).
"""
