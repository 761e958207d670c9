"""Pages for the knowledge broker: the board, a question's candidates, matches and
the allocation of all open questions."""
