"""What every form shares: Bootstrap classes on every widget, so templates can loop over the fields and all
forms look alike (form-control, form-select; check boxes and radio buttons as form-check-input)."""

from __future__ import annotations

from django import forms

CHOICES = forms.CheckboxSelectMultiple | forms.RadioSelect


def bootstrap_class(widget: forms.Widget) -> str:
    if isinstance(widget, CHOICES | forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class StyledForm(forms.Form):
    """A form whose widgets carry their Bootstrap class (added to any class a widget already has)."""

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
