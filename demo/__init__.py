"""The main job, end to end: sync a (simulated) MSP's whole Halo, then sync again incrementally."""
