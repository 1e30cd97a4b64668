"""mockplatform: a marketplace sandbox with a controllable clock per sandbox."""

__version__ = "0.1.0"
