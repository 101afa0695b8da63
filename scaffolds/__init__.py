"""Files `draftforge init` lays down (shipped as package data)."""
