"""Synthetic sample data for cop-eval: a simulated HR professional group surveyed in three waves.

``simulation`` holds the population, the latent-trait answer model and the effects built in on
purpose (:data:`~sample_data.simulation.BUILT_IN_EFFECTS`); ``formats`` writes each wave in a real
platform's export format; ``generate`` is the command that writes the committed files::

    .venv/bin/python sample_data/generate.py          # or: .venv/bin/python -m sample_data.generate
"""
