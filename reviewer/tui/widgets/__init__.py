"""Widgets of the scoring screen, one per module; styles in the .tcss beside each."""
