"""API schemas every router shares."""

from ninja import Schema


class ErrorOut(Schema):
    """A refusal in plain Chinese; ``errors`` names the fields when a form's fields were at fault."""

    detail: str
    errors: dict[str, str] | None = None


def refusal(exc: Exception, forbidden_words: tuple[str, ...] = ("只有", "无权")):
    """A service's refusal as an API answer: 403 when its wording says who may act, else 400."""
    from ninja import Status

    text = str(exc)
    return Status(403 if any(w in text for w in forbidden_words) else 400, {"detail": text})
