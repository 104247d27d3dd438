"""Read-only tools an investigating model may call (see analysis.tools.base).

The tools on offer are listed by dotted path in settings.ANALYSIS_TOOLS; apps above
`analysis` (tickets in `integrations`) add theirs there rather than being imported here.
"""
