"""Pages for providers (and the broker): offers and the CSV import."""
