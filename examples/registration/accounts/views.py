from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render

from .forms import RegistrationForm

User = get_user_model()


def register(request):
    """Sign-up as it often ships: a second sign-up with the same email is a 500."""
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        if form.is_valid():
            User.objects.create_user(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
            return redirect("login")
    else:
        form = RegistrationForm()
    return render(request, "accounts/register.html", {"form": form})
