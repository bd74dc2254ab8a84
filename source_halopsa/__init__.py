from source_halopsa.source import SourceHalopsa

__all__ = ["SourceHalopsa"]
