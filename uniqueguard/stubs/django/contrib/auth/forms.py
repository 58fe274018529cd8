from django import forms
from django.contrib.auth.models import User


class BaseUserCreationForm(forms.ModelForm):
    password1 = forms.CharField()
    password2 = forms.CharField()

    class Meta:
        model = User
        fields = ("username",)


class UserCreationForm(BaseUserCreationForm):
    def clean_username(self):
        username = self.cleaned_data.get("username")
        if self._meta.model.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("A user with that username already exists.")
        return username


class UserChangeForm(forms.ModelForm):
    class Meta:
        model = User
        fields = "__all__"
