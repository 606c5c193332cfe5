"""The ``plantls`` command."""
