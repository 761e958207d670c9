"""Errors the matching engine raises; `app/errors.py` maps them to HTTP statuses.

MatchingError
├── InvalidQueryError      bad input to ranking (422)
├── DatasetError           an evaluation data set that cannot be used
├── EncoderError           the embedding model cannot be loaded or used (503)
│   └── ModelFormatError   the packaged weights are in a format we do not know
└── AllocationError        the solver failed on a well-formed problem
"""


class MatchingError(Exception):
    """Base class of every error raised by `matching`."""


class InvalidQueryError(MatchingError):
    """The question or offers given to the engine are malformed."""


class DatasetError(MatchingError):
    """An evaluation data set is missing, unreadable or breaks the format."""


class EncoderError(MatchingError):
    """The embedding model could not be loaded or failed to encode."""


class ModelFormatError(EncoderError):
    """The packaged model file has a layout this converter does not understand."""


class AllocationError(MatchingError):
    """The allocation solver did not reach an optimal solution."""
