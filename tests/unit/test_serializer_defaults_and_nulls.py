"""Serializer saves: DRF's read-only fields with a default in the generated UniqueTogetherValidator, and
fields a surely inserting save cannot fill (NULL in a plain unique set). The e2e trees
precision_read_only_defaults and precision_unfillable_nulls hold the main shapes; these are the edges."""
import pytest

MODELS = """
    from django.conf import settings
    from django.db import models

    class Project(models.Model):
        name = models.CharField(max_length=60)

    class Entry(models.Model):
        user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        date = models.DateField()

        class Meta:
            unique_together = ("date", "user")

    class Watch(models.Model):
        user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        kind = models.CharField(max_length=20)
        project = models.ForeignKey(Project, on_delete=models.CASCADE, null=True)

        class Meta:
            unique_together = [("kind", "project", "user")]
"""

SERIALIZERS = """
    from rest_framework import serializers
    from .models import Entry, Watch

    class EntrySerializer(serializers.ModelSerializer):
        user = serializers.PrimaryKeyRelatedField(read_only=True, default=serializers.CurrentUserDefault())

        class Meta:
            model = Entry
            fields = ["date", "user"]

    class ChildEntrySerializer(EntrySerializer):
        user = serializers.PrimaryKeyRelatedField(read_only=True)

    class WatchSerializer(serializers.ModelSerializer):
        project = serializers.PrimaryKeyRelatedField(read_only=True)

        class Meta:
            model = Watch
            fields = ["kind", "project"]

    class CheckedWatchSerializer(WatchSerializer):
        def validate(self, attrs):
            if attrs["kind"] == "none":
                raise serializers.ValidationError("no kind")
            return attrs

    class FilledWatchSerializer(WatchSerializer):
        def validate(self, attrs):
            attrs.update(self.context["extra"])
            return attrs
"""


@pytest.fixture
def app(project):
    project.write("journal/models.py", MODELS)
    project.write("journal/serializers.py", SERIALIZERS)
    return project


def codes(app, relpath, source):
    app.write(relpath, source)
    lines = (app.root / relpath).read_text().splitlines()
    return [(lines[line - 1].strip(), code) for line, code in app.lint(relpath)]


def test_request_user_spellings_and_overridden_defaults(app):
    assert codes(app, "journal/api.py", """
        from .serializers import ChildEntrySerializer, EntrySerializer

        class Entries:
            def post(self, request):
                serializer = EntrySerializer(data=request.data, context={"request": request})
                serializer.is_valid(raise_exception=True)
                serializer.save(user=serializer.context["request"].user)

            def put(self, request):
                serializer = ChildEntrySerializer(data=request.data, context={"request": request})
                serializer.is_valid(raise_exception=True)
                serializer.save(user=request.user)
    """) == [
        ('serializer.save(user=serializer.context["request"].user)', "UNQ004"),
        # the subclass declares `user` again without a default: no generated validator maps it
        ("serializer.save(user=request.user)", "UNQ001"),
    ]


def test_unfillable_null_through_hooks_and_bindings(app):
    assert codes(app, "journal/api.py", """
        from .serializers import CheckedWatchSerializer, FilledWatchSerializer, WatchSerializer

        def watch(request):
            serializer = CheckedWatchSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            serializer.save(user=request.user)

        def watch_filled(request):
            serializer = FilledWatchSerializer(data=request.data, context={"extra": {}})
            serializer.is_valid(raise_exception=True)
            serializer.save(user=request.user)

        def watch_or_edit(request, existing):
            if existing is not None:
                serializer = WatchSerializer(existing, data=request.data)
            else:
                serializer = WatchSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            serializer.save(user=request.user)

        def watch_each(request, items):
            for item in items:
                serializer = WatchSerializer(data=item)
                serializer.is_valid(raise_exception=True)
                serializer.save(user=request.user)
                serializer = WatchSerializer(item["row"], data=item)
    """) == [
        # watch(): a validate() that names no field of the set fills nothing, project is NULL: quiet.
        # watch_filled(): a validate() adding unknown keys may fill project
        ("serializer.save(user=request.user)", "UNQ001"),
        # watch_or_edit(): on one branch an update, whose row's project is whatever it holds
        ("serializer.save(user=request.user)", "UNQ001"),
        # watch_each(): in a loop the later binding (an update) reaches the save in the next round
        ("serializer.save(user=request.user)", "UNQ001"),
    ]
