"""The matching engine: eligibility rules, ranking and explanations (product.md section 6).

Pure rules and ranking live in `rules.py` and `ranking.py`; `pool.py` and `context.py` hold
the SQL that lets the database do the bulk of the filtering; `suggest.py` puts them together.
The engine never commits and knows nothing of the web.
"""

from matching.engine.suggest import ClientVerdict, Suggestions, explain_client, suggest

__all__ = ["ClientVerdict", "Suggestions", "explain_client", "suggest"]
