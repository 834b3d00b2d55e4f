"""SAPA compliance: obligations from facts, duty statuses per half-year, gaps, the evidence binder."""
