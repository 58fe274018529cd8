"""Real duplicate-row IntegrityError bugs of published Django packages, for bench/recall.py.

Each case pins the last release on PyPI before the fix and names the file (as a path inside the
package, matched as a suffix of the unpacked release's path) and line of the write that raised the
IntegrityError, read from that release. `also` lists other places a finding would point at the same bug
(the call site of the helper that makes the write). `kind`: `race` (a check-then-create or read-then-write
race between two requests or workers), `duplicate-input` (one call gets the same key twice),
`re-run` (a second run of the same operation inserts the row again), `second-one-to-one` (something else
already inserted the one-to-one row). `fix` is the repository and commit (or issue) of the fix.
`why_missed` is the diagnosis when the engine misses it (see bench/RESULTS.md).
"""

CASES = [
    {
        "name": "django-taggit-add-race",
        "requirement": "django-taggit==0.23.0",
        "path": "taggit/managers.py",
        "line": 215,
        "also": [("taggit/managers.py", 213)],
        "unique": "Tag.name (unique=True), Tag.slug (unique=True)",
        "kind": "race",
        "fix": "jazzband/django-taggit a4fd36f (0.24.0: 'Fixed a race condition in TaggableManager')",
        "shape": "existing = manager.filter(name__in=str_tags); tags_to_create = str_tags - {...}; "
                 "manager.create(name=new_tag), manager = self.through.tag_model()._default_manager.using(db)",
    },
    {
        "name": "django-allauth-add-email-race",
        "requirement": "django-allauth==0.32.0",
        "path": "allauth/account/managers.py",
        "line": 17,
        "unique": "EmailAddress (user, email) unique_together; EmailAddress.email unique=app_settings.UNIQUE_EMAIL",
        "kind": "race",
        "fix": "pennersr/django-allauth 36f4862 (0.33.0: 'Fix race condition in EmailAddress.objects.add_email()')",
        "shape": "EmailAddressManager.add_email: try: self.get(user=user, email__iexact=email) "
                 "except self.model.DoesNotExist: self.create(user=user, email=email)",
    },
    {
        "name": "django-constance-set-race",
        "requirement": "django-constance==2.6.0",
        "path": "constance/backends/database/__init__.py",
        "line": 93,
        "unique": "Constance.key (unique=True)",
        "kind": "race",
        "fix": "jazzband/django-constance 5e91a92 (#384, 2.7.0: 'Allow concurrent calls to set() method')",
        "shape": "DatabaseBackend.set: try: self._model._default_manager.get(key=key) except "
                 "self._model.DoesNotExist: self._model._default_manager.create(key=key, value=value); "
                 "self._model = Constance set in __init__ (imported inside it)",
    },
    {
        "name": "django-oauth-toolkit-introspect-race",
        "requirement": "django-oauth-toolkit==1.2.0",
        "path": "oauth2_provider/oauth2_validators.py",
        "line": 338,
        "unique": "AccessToken.token (unique=True)",
        "kind": "race",
        "fix": "jazzband/django-oauth-toolkit f0091f1 (#611, 1.3.0: 'Fix a race condition in creation of "
               "AccessToken with external oauth2 server')",
        "shape": "try: AccessToken.objects.select_related(...).get(token=token) except AccessToken.DoesNotExist: "
                 "AccessToken.objects.create(token=token, ...); AccessToken = get_access_token_model()",
    },
    {
        "name": "python-social-auth-create-user-race",
        "requirement": "python-social-auth==0.2.19",
        "path": "social/storage/django_orm.py",
        "line": 60,
        "unique": "User.username (USERNAME_FIELD, unique=True)",
        "kind": "race",
        "fix": "python-social-auth/social-app-django 9f86059e (omab/python-social-auth #975, 0.2.20: "
               "'Added exception handling for user creation race condition in Django')",
        "shape": "DjangoUserMixin.create_user (classmethod): return cls.user_model().objects.create_user(*args, "
                 "**kwargs); user_model() is UserSocialAuth._meta.get_field('user').rel.to",
    },
    {
        "name": "dj-stripe-duplicate-webhook-event",
        "requirement": "dj-stripe==2.10.4",
        "path": "djstripe/models/base.py",
        "line": 694,
        "also": [("djstripe/models/core.py", 1324)],
        "unique": "Event.id (StripeIdField(unique=True) on the abstract StripeModel)",
        "kind": "race",
        "fix": "dj-stripe/dj-stripe f171adfa (fixes #1239, 2.11.0: 'Handle duplicate webhook events instead of "
               "crashing')",
        "shape": "Event.process: if cls.objects.filter(id=data['id']).exists(): return ...; "
                 "cls._create_from_stripe_object(data) whose body (classmethod of abstract StripeModel) does "
                 "cls.stripe_objects.get(id=id_) / except DoesNotExist: instance = cls(**stripe_data); instance.save()",
    },
    {
        "name": "django-allauth-sync-email-race",
        "requirement": "django-allauth==0.47.0",
        "path": "allauth/account/utils.py",
        "line": 388,
        "unique": "EmailAddress (user, email) unique_together; EmailAddress.email unique=app_settings.UNIQUE_EMAIL",
        "kind": "race",
        "fix": "pennersr/django-allauth ad25887 (closes #2299, 0.48.0: 'gracefully handle race in sync')",
        "shape": "sync_user_email_addresses: from .models import EmailAddress (inside the function); "
                 "if email and not EmailAddress.objects.filter(user=user, email__iexact=email).exists(): "
                 "... EmailAddress.objects.create(user=user, email=email, primary=False, verified=False)",
    },
    {
        "name": "django-annoying-auto-one-to-one-race",
        "requirement": "django-annoying==0.8.4",
        "path": "annoying/fields.py",
        "line": 45,
        "also": [("annoying/fields.py", 43)],
        "unique": "the AutoOneToOneField of the related model (a one-to-one is unique)",
        "kind": "race",
        "fix": "skorokithakis/django-annoying 1ca95e7 (#41, 0.8.5: 'Fix race condition in related auto-create')",
        "shape": "AutoSingleRelatedObjectDescriptor.__get__: model = getattr(self.related, 'related_model', "
                 "self.related.model); try: super().__get__(...) except model.DoesNotExist: "
                 "obj = model(**{self.related.field.name: instance}); obj.save()",
    },
    {
        "name": "django-guardian-assign-perm-to-many",
        "requirement": "django-guardian==3.0.7",
        "path": "guardian/managers.py",
        "line": 104,
        "also": [("guardian/managers.py", 77)],
        "unique": "UserObjectPermission (user, permission, object_pk) / GroupObjectPermission (group, permission, "
                  "object_pk) unique_together, declared on abstract bases",
        "kind": "re-run",
        "fix": "django-guardian/django-guardian 215328a (#814, 3.1.0: 'ignore_conflicts on bulk create')",
        "shape": "BaseObjectPermissionManager.assign_perm_to_many: for user in users_or_groups: "
                 "to_add.append(self.model(**kwargs)); return self.model.objects.bulk_create(to_add) -- a user or "
                 "group that already holds the permission collides",
    },
]
