"""core/demo"""
