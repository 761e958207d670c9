"""Pages for municipal staff: their city's questions, the intake and follow-up."""
