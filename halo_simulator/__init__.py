"""A local HaloPSA API simulator for the source-halopsa connector's tests, demos and benchmarks.

Built from ../shared/reference/halopsa-api.md; COVERAGE.md lists what it serves and what it does not model.
"""

from .options import SimulatorOptions
from .server import HaloSimulator

__all__ = ["HaloSimulator", "SimulatorOptions"]
