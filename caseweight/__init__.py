"""Caseweight: parole-officer workload measurement and staffing decisions."""

__version__ = "0.1.0"
