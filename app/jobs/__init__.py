"""Background jobs: one registry of job functions, run by procrastinate on
PostgreSQL and by the in-process runner on SQLite (see README, "Mail and
background jobs")."""
