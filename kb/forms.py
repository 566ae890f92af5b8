from django import forms

from .models import Article


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "system", "problem", "steps", "visibility"]
        widgets = {"problem": forms.Textarea(attrs={"rows": 4}), "steps": forms.Textarea(attrs={"rows": 8})}
