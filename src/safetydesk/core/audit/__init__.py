"""Audit hash chain and verification."""
