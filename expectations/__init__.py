"""Great Expectations suites as code: one module per raw source and per published mart.

Each suite is a function from the frame under test to a list of GX expectations, so a
suite can use facts of the data (e.g. the set of cost centres) without a store.
"""
