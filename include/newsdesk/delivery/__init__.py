"""Delivery of an approved edition to a mailing list, exactly once (issue 14).

``ledger`` owns the ``deliveries`` table: every state move of a recipient's delivery and
the per-edition report. Transports and the manager build on it; nothing else writes it.
"""
