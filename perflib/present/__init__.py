"""Rendering: format-neutral blocks, accessible HTML, figures as printed, charts."""
