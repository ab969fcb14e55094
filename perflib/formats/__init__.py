"""Output formats: HTML, PDF and Word made from a report notebook."""
