"""Writes of the vendors app that go beyond a validated form or serializer save.

Plain creates and edits go through ``core.services.model_save``.
"""
