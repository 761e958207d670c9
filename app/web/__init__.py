"""Server-rendered Dutch pages for staff, providers and the broker (Jinja2)."""
