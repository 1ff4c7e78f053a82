"""API schemas every router shares."""

from ninja import Schema


class ErrorOut(Schema):
    """A refusal in plain Chinese; ``errors`` names the fields when a form's fields were at fault."""

    detail: str
    errors: dict[str, str] | None = None
