"""The read side: lists and pages for the web and the API, scoped to the actor's organisation.

Queries return plain rows or dataclasses and never change state; reading clients is logged by
the caller through `services.clients.log_client_reads` (or `read_client` for one record).
"""
