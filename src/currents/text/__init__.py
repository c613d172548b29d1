"""The text stage: decoding, cleaning, boilerplate removal, metadata and fingerprints."""

from currents.text.clean import clean_article

__all__ = ["clean_article"]
