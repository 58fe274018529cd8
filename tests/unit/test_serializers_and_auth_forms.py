"""DRF serializers and django.contrib.auth forms as validation (issue 3), read without DRF or Django."""
import pytest

MODELS = """
    from django.conf import settings
    from django.contrib.auth.models import AbstractUser
    from django.db import models

    class User(AbstractUser):
        email = models.EmailField(unique=True)

    class Project(models.Model):
        owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        name = models.CharField(max_length=50)

        class Meta:
            unique_together = [("owner", "name")]
"""

SERIALIZERS = """
    from rest_framework import serializers
    from rest_framework.validators import UniqueValidator
    from .models import User, Project

    class UserSerializer(serializers.ModelSerializer):
        class Meta:
            model = User
            fields = ["username", "email"]

    class DeclaredEmailSerializer(serializers.ModelSerializer):
        email = serializers.EmailField()

        class Meta:
            model = User
            fields = ["username", "email"]

    class HandValidatedSerializer(serializers.Serializer):
        email = serializers.EmailField(validators=[UniqueValidator(queryset=User.objects.all())])
        username = serializers.CharField(validators=[UniqueValidator(queryset=User.objects.all())])

        def create(self, validated_data):
            return User.objects.create(**validated_data)

    class PlainSerializer(serializers.Serializer):
        email = serializers.EmailField()
        username = serializers.CharField()

        def create(self, validated_data):
            return User.objects.create(email=validated_data["email"], username=validated_data["username"])

    class ProjectSerializer(serializers.ModelSerializer):
        class Meta:
            model = Project
            fields = ["name"]

    class OwnedProjectSerializer(serializers.ModelSerializer):
        owner = serializers.HiddenField(default=serializers.CurrentUserDefault())

        class Meta:
            model = Project
            fields = ["owner", "name"]
"""


@pytest.fixture
def app(project):
    project.write("site_conf/settings.py", 'AUTH_USER_MODEL = "accounts.User"\nINSTALLED_APPS = ["accounts"]\n')
    project.write("accounts/models.py", MODELS)
    project.write("accounts/serializers.py", SERIALIZERS)
    return project


def codes_by_line(app, relpath):
    lines = (app.root / relpath).read_text().splitlines()
    return {lines[line - 1].strip(): code for line, code in app.lint(relpath)}


def test_serializer_create_methods(app):
    assert codes_by_line(app, "accounts/serializers.py") == {
        "return User.objects.create(**validated_data)": "UNQ004",
        'return User.objects.create(email=validated_data["email"], username=validated_data["username"])': "UNQ001",
    }


def test_serializer_save(app):
    app.write("accounts/api.py", """
        from rest_framework import generics
        from .serializers import UserSerializer, DeclaredEmailSerializer, ProjectSerializer, OwnedProjectSerializer

        def signup(request):
            serializer = UserSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            serializer.save()

        def signup_declared(request):
            serializer = DeclaredEmailSerializer(data=request.data)
            serializer.save()

        class ProjectCreate(generics.CreateAPIView):
            serializer_class = ProjectSerializer

            def perform_create(self, serializer):
                serializer.save(owner=self.request.user)

        class OwnedProjectCreate(generics.CreateAPIView):
            serializer_class = OwnedProjectSerializer

            def perform_create(self, serializer):
                serializer.save()
    """)
    found = app.lint("accounts/api.py")
    lines = (app.root / "accounts/api.py").read_text().splitlines()
    assert [(lines[line - 1].strip(), code) for line, code in found] == [
        ("serializer.save()", "UNQ004"),
        ("serializer.save()", "UNQ001"),  # declared email field: DRF adds no UniqueValidator
        ("serializer.save(owner=self.request.user)", "UNQ001"),  # owner outside the serializer
        ("serializer.save()", "UNQ004"),
    ]
    messages = [f.message for f in app.findings("accounts/api.py") if f.code == "UNQ001"]
    assert "add a UniqueValidator for email to DeclaredEmailSerializer" in messages[0]


def test_user_creation_form_subclasses(app):
    app.write("accounts/forms.py", """
        from django.contrib.auth.forms import UserCreationForm
        from .models import User

        class SignUpForm(UserCreationForm):
            class Meta(UserCreationForm.Meta):
                model = User
                fields = ("username", "email")

        class UsernameOnlyForm(UserCreationForm):
            class Meta(UserCreationForm.Meta):
                model = User
    """)
    app.write("accounts/views.py", """
        from .forms import SignUpForm, UsernameOnlyForm

        def signup(request):
            form = SignUpForm(request.POST)
            if form.is_valid():
                form.save()

        def signup2(request):
            form = UsernameOnlyForm(request.POST)
            if form.is_valid():
                user = form.save(commit=False)
                user.email = request.POST["email"]
                user.save()
    """)
    assert [c for _, c in app.lint("accounts/views.py")] == ["UNQ004", "UNQ001"]
