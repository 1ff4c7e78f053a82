"""API schemas every router shares."""

from typing import Annotated

from ninja import Field, Schema

# Bounds for numbers from callers: a database id is at most 2**63 - 1 (PostgreSQL bigint, SQLite INTEGER);
# a larger one is a 422 naming the field, not an overflow deep in a query (issue 26).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Offset = Annotated[int, Field(ge=0, le=MAX_ID)]
PageNumber = Annotated[int, Field(ge=1, le=1_000_000)]


class ErrorOut(Schema):
    """A refusal in plain Chinese; ``errors`` names the fields when a form's fields were at fault."""

    detail: str
    errors: dict[str, str] | None = None

