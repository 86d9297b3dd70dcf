"""The register: the database of plans, indicators, regions, departments and reported values.

I/O lives here; the functional core (extract, evaluate) never imports it.
Entry points other layers use: `planwatch.register.queries` (`list_plans`,
`evaluation_input`) and `planwatch.register.db` (engines and sessions).
"""
