from django import forms

from proof.site.models import Note


class NoteForm(forms.ModelForm):  # type: ignore[type-arg]
    """One line of text, from the HTML form and from the JSON API alike."""

    class Meta:
        model = Note
        fields = ("text",)
        widgets = {"text": forms.TextInput(attrs={"maxlength": 200})}

    def clean_text(self) -> str:
        value: str = self.cleaned_data["text"]
        # JSON can escape half of a UTF-16 pair ("\ud800"), which no database can store.
        if any(ord(char) < 32 or "\ud800" <= char <= "\udfff" for char in value):
            raise forms.ValidationError("The text holds a character that is not allowed.")
        return value
