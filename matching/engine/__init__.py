"""The matching engine: eligibility rules, ranking and explanations (product.md section 6).

Pure rules and ranking live in `rules.py` and `ranking.py`; `pool.py` and `context.py` hold
the SQL that lets the database do the bulk of the filtering; `profile.py` keeps the waiting
pool condensed for counting (`counts.py`); `suggest.py` puts them together. The engine never
commits and knows nothing of the web. This package imports nothing itself, so the client
workflow can load `profile.py` (whose hooks keep the profile in step) without the rest.
"""
