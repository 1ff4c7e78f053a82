"""What every form shares: Bootstrap classes on every widget, so templates can loop over the fields and all
forms look alike (form-control, form-select; check boxes and radio buttons as form-check-input)."""

from __future__ import annotations

from django import forms

from .errors import Refused

CHOICES = forms.CheckboxSelectMultiple | forms.RadioSelect


def bootstrap_class(widget: forms.Widget) -> str:
    if isinstance(widget, CHOICES | forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class Styled:
    """Widgets that carry their Bootstrap class (added to any class a widget already has), fields in error
    marked, and the service's checks joined to the form's (``is_valid_with``). Mixed into StyledForm and
    StyledModelForm; templates render either with ``common/_fields.html``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.HiddenInput | forms.FileInput) and not isinstance(
                    field.widget, forms.ClearableFileInput):
                continue
            css = bootstrap_class(field.widget)
            classes = field.widget.attrs.get("class", "").split()
            if css not in classes:
                field.widget.attrs["class"] = " ".join([*classes, css])

    def add_error(self, field, error):
        """Mark each field in error (``is-invalid``) so the widget shows it, not only the message below."""
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                classes = widget.attrs.get("class", "").split()
                if "is-invalid" not in classes:
                    widget.attrs["class"] = " ".join([*classes, "is-invalid"])

    def is_valid_with(self, check) -> bool:
        """Valid for the form and for the service, with every problem found in one round: when the form itself
        is invalid, ``check()`` (the service's own checks on what did clean, raising a Refused with ``errors`` by
        field) still runs, and its problems with fields the form accepted join the form's. Nothing is saved
        either way; a valid form goes on to the service call, which checks again."""
        if self.is_valid():
            return True
        if not self.is_bound:  # a POST with no fields at all: the form asks for them, nothing to check yet
            return False
        try:
            check()
        except Refused as exc:
            for field, text in exc.errors.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, text)
        return False


class StyledForm(Styled, forms.Form):
    pass


class StyledModelForm(Styled, forms.ModelForm):
    pass
