from django import forms

BODY_HELP = (
    "Markdown: **bold**, *italic*, `code`, lists, [links](https://example.org). "
    "No HTML. You can edit a post for 30 minutes."
)


class TopicForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        label="Message",
        help_text=BODY_HELP,
    )
    announcement = forms.BooleanField(
        required=False,
        help_text="Pinned and marked as an announcement, and mailed to those who asked.",
    )

    def __init__(self, *args, organizer=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not organizer:
            del self.fields["announcement"]


class PostForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        label="Reply",
        help_text=BODY_HELP,
    )
