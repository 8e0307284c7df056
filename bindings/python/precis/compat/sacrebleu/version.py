"""The sacrebleu release this module reproduces (it appears in signatures)."""

__version__ = version = "2.6.0"
