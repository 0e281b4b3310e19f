"""The one frozen pydantic base of the package's models: :class:`FrozenModel`.

Instrument schemas, codebooks, store records and the pydantic results all derive from it, so
every model refuses unknown fields and cannot be changed after it is made.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["FrozenModel"]


class FrozenModel(BaseModel):
    """A pydantic model that is frozen and forbids unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")
