"""core/db"""
