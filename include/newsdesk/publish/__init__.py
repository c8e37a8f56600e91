"""Publishing an approved edition outside email (the static web archive, and others)."""
