"""Simulated annealing for compact double round robins (ITC2021 families), outside CP-SAT.

- :mod:`.encode`: the instance's constraints as flat count terms and pair entries;
- :mod:`.kernel`: the numba kernel (TTSA moves, incremental costs, undo logs);
- :mod:`.search`: cooling, reheats and conversions to and from the engine's game sets.
"""
