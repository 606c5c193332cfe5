"""Model backends behind one small interface (see :mod:`plantls.ai.backends.base`)."""
