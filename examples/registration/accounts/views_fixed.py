from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render

from .forms import SafeRegistrationForm

User = get_user_model()


def register(request):
    """The fix: the form validates uniqueness for a good message, and the handler closes the race
    between two requests that both pass that validation. The savepoint keeps the handler safe even
    when the project runs views inside a transaction."""
    if request.method == "POST":
        form = SafeRegistrationForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    User.objects.create_user(
                        username=form.cleaned_data["username"],
                        email=form.cleaned_data["email"],
                        password=form.cleaned_data["password"],
                    )
                return redirect("login")
            except IntegrityError:
                form.add_error("email", "A user with this email or username already exists.")
    else:
        form = SafeRegistrationForm()
    return render(request, "accounts/register.html", {"form": form})
