"""The JSON Schemas: the public contract of DraftForge files (shipped as package data)."""
