"""Held-out evaluation of completions, with reports and plots."""
