"""planwatch: register, monitor and evaluate public-service five-year plans."""

__version__ = "0.1.0"
