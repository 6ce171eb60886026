"""Distribution pages."""
