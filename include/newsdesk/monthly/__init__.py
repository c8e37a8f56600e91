"""The monthly update to CEPA members: months, manual entries, and the month's edition."""
