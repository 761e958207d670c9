"""Mail: typed kinds, Dutch templates, an outbox written in the caller's
transaction and a delivery job with retries (see README, "Mail and background
jobs")."""
