"""The public student portal: assignments, the interest form and results (nl/en)."""
