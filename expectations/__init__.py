"""Data quality with Great Expectations: the suites, as code, and what runs them.

- `raw_sources`: a suite per raw table, what every loaded row must satisfy;
- `marts`: the suites of `kpi_values` (with its reconciliation with the postings and its
  coverage) and of the published marts, and each published mart's schema against its dbt
  contract;
- `runner`: validates a suite on a pandas frame through GX's pandas data source in an
  ephemeral context (no files, no store), and renders the GX Data Docs;
- `pool`: the worker processes the validations run in beside the pipeline.

A suite is a function from the frame under test to a list of GX expectations, so it can use
facts of the data (e.g. the set of cost centres) without a store.
"""
