"""plantls: a language server and checker for the files that run plants."""

__version__ = "0.1.0"
