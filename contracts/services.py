"""Writes on contracts that go beyond a form save.

A contract's status changes only in ``contracts.lifecycle`` (transitions, renewals and the
daily expiry run).
"""
