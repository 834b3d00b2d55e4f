"""core/workspace"""
