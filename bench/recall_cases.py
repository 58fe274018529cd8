"""Real duplicate-row IntegrityError bugs of published Django packages, for bench/recall.py.

Each case pins the last release on PyPI before the fix and names the file (as a path inside the
package, matched as a suffix of the unpacked release's path) and line of the write that raised the
IntegrityError, read from that release. `also` lists other places a finding would point at the same bug
(the call site of the helper that makes the write). `kind`: `race` (a check-then-create or read-then-write
race between two requests or workers), `duplicate-input` (one call gets the same key twice),
`re-run` (a second run of the same operation inserts the row again), `second-one-to-one` (something else
already inserted the one-to-one row), `computed-key` (a unique value computed from the wrong data collides
with an existing row). `fix` is the repository and commit (or issue) of the fix.
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
        "why_missed": "the manager is a local, `manager = self.through.tag_model()._default_manager.using(db)`, "
                      "whose model is known only at runtime; not even strict mode lists it",
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
        "why_missed": "no unique set is read: `email` is `unique=app_settings.UNIQUE_EMAIL` (a setting) and "
                      "`unique_together` sits under `if` in Meta; with `unique=True` the engine reports UNQ002 here",
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
        "why_missed": "`self._model = Constance` (a model class kept on an attribute in `__init__`, "
                      "imported inside it) is not followed",
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
        "why_missed": "`AccessToken = get_access_token_model()` at module level, a getter in models.py "
                      "returning `apps.get_model(oauth2_settings.ACCESS_TOKEN_MODEL)` (a swappable model)",
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
        "why_missed": "`cls.user_model()` in a mixin, implemented by the model subclass as the FK "
                      "target `_meta.get_field('user').rel.to`",
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
        "why_missed": "`instance = cls(**data); instance.save()` in a classmethod of the abstract StripeModel is "
                      "not judged (its `id` is unique in every child), and the caller's `exists()` check before the "
                      "helper call is not linked to the write; not even strict mode lists it",
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
        "why_missed": "same as add-email: `unique=app_settings.UNIQUE_EMAIL` and the `if`-guarded `unique_together` "
                      "are not read; with `unique=True` the engine reports UNQ002 here",
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
        "why_missed": "the model is a runtime value (`model = getattr(self.related, 'related_model', ...)`) in a "
                      "field descriptor; `obj = model(...); obj.save()` is not even listed by strict mode",
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
        "why_missed": "`self.model.objects.bulk_create(...)` in a base Manager class; `self.model` in "
                      "a manager is not resolved to the models using it (`objects = UserObjectPermissionManager()` "
                      "on an abstract base)",
        "shape": "BaseObjectPermissionManager.assign_perm_to_many: for user in users_or_groups: "
                 "to_add.append(self.model(**kwargs)); return self.model.objects.bulk_create(to_add) -- a user or "
                 "group that already holds the permission collides",
    },
    {
        "name": "django-oauth-toolkit-refresh-race",
        "requirement": "django-oauth-toolkit==1.2.0",
        "path": "oauth2_provider/oauth2_validators.py",
        "line": 563,
        "also": [("oauth2_provider/oauth2_validators.py", 527)],
        "unique": "AccessToken.source_refresh_token (OneToOneField)",
        "kind": "race",
        "fix": "jazzband/django-oauth-toolkit 0f2b149 (#639, fixes #638, 1.3.0: select_for_update() on the refresh "
               "token before the check)",
        "why_missed": "`AccessToken = get_access_token_model()` is unresolved (as in introspect-race), the insert "
                      "is `AccessToken(...).save()` inside the helper `_create_access_token()` called after a "
                      "`filter(...).first()` check; `.save()` of an unresolved class is not even listed by strict "
                      "mode",
        "shape": "save_bearer_token: previous_access_token = AccessToken.objects.filter(source_refresh_token="
                 "refresh_token_instance).first(); ... if not previous_access_token: "
                 "self._create_access_token(..., source_refresh_token=refresh_token_instance) whose body is "
                 "AccessToken(..., source_refresh_token=source_refresh_token).save()",
    },
    {
        "name": "django-cms-copy-plugins-other-language",
        "requirement": "django-cms==5.0.4",
        "path": "cms/utils/plugins.py",
        "line": 324,
        "unique": "CMSPlugin (placeholder, language, position) unique_together",
        "kind": "computed-key",
        "fix": "django-cms/django-cms 1a7c817 (#8366; 5.0.5 backport e6d0f76, #8386: 'Copying x-language lead to "
               "unique constraint violation')",
        "why_missed": "",
        "shape": "copy_plugins_to_placeholder: new_plugin = deepcopy(source_plugin); new_plugin.pk = None ... or "
                 "new_plugin = CMSPlugin(...); position computed from the wrong language; "
                 "new_plugin.position = position; new_plugin.save()",
    },
    {
        "name": "dj-stripe-get-or-create-race",
        "requirement": "dj-stripe==1.0.1",
        "path": "djstripe/stripe_objects.py",
        "line": 298,
        "also": [("djstripe/stripe_objects.py", 253)],
        "unique": "StripeObject.stripe_id (StripeIdField(unique=True) on the abstract base)",
        "kind": "race",
        "fix": "dj-stripe/dj-stripe 41c5692 (1.1.0: 'Attempt final get() when IntegrityError is raised during "
               "get_or_create')",
        "why_missed": "`cls(**data).save()` in a classmethod of the abstract StripeObject (`stripe_id` unique in "
                      "every child) is not judged, and the helper call in the `except DoesNotExist:` branch is not "
                      "linked to it; not even strict mode lists it",
        "shape": "_get_or_create_from_stripe_object (classmethod of abstract StripeObject): try: return "
                 "cls.stripe_objects.get(stripe_id=stripe_id), False except cls.DoesNotExist: ... return "
                 "cls._create_from_stripe_object(data, save=save), True -- whose body is "
                 "instance = cls(**cls._stripe_object_to_record(data)); instance.save()",
    },
    {
        "name": "pinax-stripe-duplicate-customer",
        "requirement": "pinax-stripe==3.3.0",
        "path": "pinax/stripe/actions/customers.py",
        "line": 51,
        "unique": "Customer.user (OneToOneField), Customer.stripe_id (unique=True)",
        "kind": "re-run",
        "fix": "pinax/pinax-stripe 94b28dc (3.4.0: 'Added protection against creating duplicate customers')",
        "why_missed": "",
        "shape": "customers.create(user, ...): stripe_customer = stripe.Customer.create(...); "
                 "cus = models.Customer.objects.create(user=user, stripe_id=stripe_customer['id']) -- a second "
                 "call for a user who already has a customer collides on the one-to-one",
    },
    {
        "name": "dj-rest-auth-social-signup-race",
        "requirement": "dj-rest-auth==5.0.1",
        "path": "dj_rest_auth/registration/serializers.py",
        "line": 183,
        "unique": "the project's User.email (unique, often case-insensitive) -- allauth's ACCOUNT_UNIQUE_EMAIL",
        "kind": "race",
        "fix": "iMerica/dj-rest-auth e58c970 (#553, 5.1.0: 'Fix social login under database constraints': the "
               "exists() check is case-sensitive and races)",
        "why_missed": "the write is allauth's `SocialLogin.save(request, connect=True)`, a third-party helper whose "
                      "body inserts the user (and EmailAddress) through the account adapter; the unique set "
                      "belongs to the project's user model, so a lint of the package alone cannot see it",
        "shape": "SocialLoginSerializer.validate: if allauth_account_settings.UNIQUE_EMAIL: account_exists = "
                 "get_user_model().objects.filter(email=login.user.email).exists(); if account_exists: raise ...; "
                 "login.lookup(); login.save(request, connect=True)",
    },
]
