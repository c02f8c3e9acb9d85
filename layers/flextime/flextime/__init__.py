"""FlexTime: conference scheduling with OR-Tools CP-SAT."""

__version__ = "0.1.0"
