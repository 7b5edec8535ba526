from django import forms

from apps.demo.models import Message


class MessageForm(forms.ModelForm):  # type: ignore[type-arg]
    """Validates a guestbook entry, from the HTML form and from the JSON API alike."""

    class Meta:
        model = Message
        fields = ("name", "body")
        labels = {"body": "Message"}
        widgets = {"body": forms.Textarea(attrs={"rows": 4, "maxlength": 1000})}

    def clean_name(self) -> str:
        return self._without_control_characters("name")

    def clean_body(self) -> str:
        return self._without_control_characters("body")

    def _without_control_characters(self, field: str) -> str:
        # CharField has already stripped the value and refused an empty one.
        value: str = self.cleaned_data[field]
        if any(ord(char) < 32 and char not in "\n\r\t" for char in value):
            raise forms.ValidationError("Control characters are not allowed.", code="control")
        # JSON can escape half of a UTF-16 pair ("\ud800"), which no database can store.
        if any("\ud800" <= char <= "\udfff" for char in value):
            raise forms.ValidationError("The text holds an invalid character.", code="surrogate")
        return value
