"""core/sync"""
