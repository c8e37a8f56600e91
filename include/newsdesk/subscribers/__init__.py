"""Subscribers: mailing lists, consent, status, and the signed tokens in their links.

``lifecycle`` owns every status move (nothing else writes ``subscribers.status``),
``addresses`` normalises what people type, ``tokens`` signs and checks the links that act on
a subscription without a login (confirm, unsubscribe).
"""
