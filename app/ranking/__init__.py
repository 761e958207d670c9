"""Ranking: the bridge to `matching/`, the offer index, stored vectors and allocation."""
