"""Herald turns press bulletins into permanent, classified feeds."""

__version__ = "0.1.0"
