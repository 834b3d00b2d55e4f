"""core/domain"""
