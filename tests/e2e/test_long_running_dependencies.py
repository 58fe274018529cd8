"""What a cached verdict read besides its own file (issue 11: the call graph is "invalidated the same way"
as the module facts). A write's verdict, and what a caller's call calls, rest on modules the file does not
import itself: the module a re-export chain ends in, a form's or model's base class in a module of its
own (the model's reached through a relation too), a project function's body followed from a check, the modules named on the continuation lines of a
parenthesised import. Edited between two command-line runs sharing one facts cache, or between two checks
of one long-running process, each must change the answer as it changes a cold run's; so must a caller
created in a folder that held no Python file before. Real processes, real files in a temporary project
whose facts cache lives outside it (a cache folder inside the project would move the root folder's
stamp, and hide what a new file elsewhere does)."""
import json
import os
import subprocess
import sys
import time

import pytest

from .harness import environment
from .test_long_running_callers import DRIVER

MODELS = ("from django.db import models\n\n\nclass Coupon(models.Model):\n"
          "    code = models.CharField(max_length=20, unique=True)\n")
WRITE = "from {module} import Coupon\n\n\ndef issue(code):\n    Coupon.objects.create(code=code)\n"
GUARDED = ("from django.db import IntegrityError\n\n{imports}\n\n\ndef redeem(request):\n"
           "    try:\n        {call}(request.POST['code'])\n    except IntegrityError:\n        pass\n")
VIEWS = GUARDED.format(imports="from shop.services import issue", call="issue")
OPEN = "from shop.services import issue\n\n\ndef nightly(code):\n    issue(code)\n"
TASKS_CALL = ["shop/tasks.py", 5, "UNQ001"]  # the open call, when another caller guards the helper's write

# views -> shop.services (a package re-exporting from .impl); impl then re-exports the function from
# shop/other.py: the guarded call now calls other.issue, whose write nothing else calls.
CHAIN = ({"shop/models.py": MODELS, "shop/services/__init__.py": "from .impl import issue  # noqa: F401\n",
          "shop/services/impl.py": WRITE.format(module="shop.models"), "shop/other.py": WRITE.format(module=".models"),
          "shop/views.py": VIEWS},
         [({}, ["shop/other.py"], [["shop/other.py", 5, "UNQ001"]]),
          ({"shop/services/impl.py": "from shop.other import issue  # noqa: F401\n"}, ["shop/other.py"], []),
          ({"shop/services/impl.py": WRITE.format(module="shop.models")}, ["shop/other.py"],
           [["shop/other.py", 5, "UNQ001"]])])

# The helper's form validates the code through its base class's clean_code(), in a module the helper's
# module does not import.
BASE_FORM = ("from django import forms\n\nfrom .models import Coupon\n\n\nclass BaseCouponForm(forms.Form):\n"
             "    code = forms.CharField()\n\n    def clean_code(self):\n        code = self.cleaned_data['code']\n"
             "        if Coupon.objects.filter(code=code).exists():\n            raise forms.ValidationError('taken')\n"
             "        return code\n")
FORM_HELPER = ("from .forms import CouponForm\nfrom .models import Coupon\n\n\ndef issue(data):\n"
               "    form = CouponForm(data)\n    if form.is_valid():\n"
               "        Coupon.objects.create(code=form.cleaned_data['code'])\n")
FORM_BASE = ({"shop/models.py": MODELS, "shop/base_forms.py": BASE_FORM,
              "shop/forms.py": "from .base_forms import BaseCouponForm\n\n\nclass CouponForm(BaseCouponForm):\n    pass\n",
              "shop/services.py": FORM_HELPER, "shop/views.py": VIEWS, "shop/tasks.py": OPEN},
             [({}, ["shop/tasks.py"], []),
              ({"shop/base_forms.py": BASE_FORM.replace("def clean_code", "def clean_other")}, ["shop/tasks.py"],
               [TASKS_CALL]),
              ({"shop/base_forms.py": BASE_FORM}, ["shop/tasks.py"], [])])

# The model's unique field comes from an abstract base in a module that is not a models module.
BASE_MODEL = ("from django.db import models\n\n\nclass CodeBase(models.Model):\n"
              "    code = models.CharField(max_length=20, unique=True)\n\n    class Meta:\n        abstract = True\n")
MODEL_BASE = ({"shop/base.py": BASE_MODEL,
               "shop/models.py": "from .base import CodeBase\n\n\nclass Coupon(CodeBase):\n    pass\n",
               "shop/services.py": WRITE.format(module=".models"), "shop/views.py": VIEWS, "shop/tasks.py": OPEN},
              [({}, ["shop/tasks.py"], [TASKS_CALL]),
               ({"shop/base.py": BASE_MODEL.replace(", unique=True", "")}, ["shop/tasks.py"], []),
               ({"shop/base.py": BASE_MODEL}, ["shop/tasks.py"], [TASKS_CALL])])

# The helper reaches the model through a relation, and imports no module of its app; the unique field is
# declared on a base class in a module that is not a models module.
PROMO_MODELS = ("from django.db import models\n\nfrom .base import CodeBase\n\n\nclass Coupon(CodeBase):\n"
                "    order = models.ForeignKey('shop.Order', related_name='coupons', on_delete=models.CASCADE)\n")
RELATED_BASE = ({"shop/models.py": "from django.db import models\n\n\nclass Order(models.Model):\n    pass\n",
                 "promo/__init__.py": "", "promo/base.py": BASE_MODEL, "promo/models.py": PROMO_MODELS,
                 "shop/services.py": "def issue(order, code):\n    order.coupons.create(code=code)\n",
                 "shop/views.py": VIEWS.replace("issue(request.POST['code'])", "issue(request.user.order, request.POST['code'])"),
                 "shop/tasks.py": OPEN.replace("(code):\n    issue(code)", "(order, code):\n    issue(order, code)")},
                [({}, ["shop/tasks.py"], [TASKS_CALL]),
                 ({"promo/base.py": BASE_MODEL.replace(", unique=True", "")}, ["shop/tasks.py"], []),
                 ({"promo/base.py": BASE_MODEL}, ["shop/tasks.py"], [TASKS_CALL])])

# The check before the helper's insert is a project function's query, read from its body.
CHECKS = "from .models import Coupon\n\n\ndef is_taken(code):\n    return Coupon.objects.filter(code=code).exists()\n"
BODY = ({"shop/models.py": MODELS, "shop/checks.py": CHECKS,
         "shop/services.py": ("from .checks import is_taken\nfrom .models import Coupon\n\n\ndef issue(code):\n"
                              "    if not is_taken(code):\n        Coupon.objects.create(code=code)\n"),
         "shop/views.py": VIEWS, "shop/tasks.py": OPEN},
        [({}, ["shop/tasks.py"], [["shop/tasks.py", 5, "UNQ002"]]),
         ({"shop/checks.py": CHECKS.replace("Coupon.objects.filter(code=code).exists()", "False")}, ["shop/tasks.py"],
          [TASKS_CALL]),
         ({"shop/checks.py": CHECKS}, ["shop/tasks.py"], [["shop/tasks.py", 5, "UNQ002"]])])

# The form's field class validates the code (its clean() queries), in a module only the form's imports.
FIELDS = ("from django import forms\n\nfrom .models import Coupon\n\n\nclass CodeField(forms.CharField):\n"
          "    def clean(self, value):\n        value = super().clean(value)\n"
          "        if Coupon.objects.filter(code=value).exists():\n            raise forms.ValidationError('taken')\n"
          "        return value\n")
FIELD_CLASS = ({"shop/models.py": MODELS, "shop/fields.py": FIELDS,
                "shop/forms.py": ("from django import forms\n\nfrom .fields import CodeField\n\n\n"
                                  "class CouponForm(forms.Form):\n    code = CodeField()\n"),
                "shop/services.py": FORM_HELPER, "shop/views.py": VIEWS, "shop/tasks.py": OPEN},
               [({}, ["shop/tasks.py"], []),
                ({"shop/fields.py": FIELDS.replace("Coupon.objects.filter(code=value).exists()", "value == 'x'")},
                 ["shop/tasks.py"], [TASKS_CALL])])

# The caller imports the module on a continuation line of a parenthesised import.
IMPL_CALL = ["shop/impl.py", 5, "UNQ001"]
PARENTHESISED = ({"shop/models.py": MODELS, "shop/services.py": WRITE.format(module=".models"),
                  "shop/impl.py": WRITE.format(module=".models"),
                  "shop/views.py": GUARDED.format(imports="from shop import (\n    services,\n)", call="services.issue")},
                 [({}, ["shop/impl.py"], [IMPL_CALL]),
                  ({"shop/services.py": "from .impl import issue  # noqa: F401\n"}, ["shop/impl.py"], []),
                  ({"shop/services.py": WRITE.format(module=".models")}, ["shop/impl.py"], [IMPL_CALL])])

# A guarding caller created in a folder that held no Python file (a command-line run walks the tree anew).
NEW_FOLDER = ({"shop/models.py": MODELS, "shop/services.py": WRITE.format(module=".models"),
               "shop/views.py": OPEN.replace("shop.services", ".services"), "shop/jobs/README.txt": "jobs\n"},
              [({}, ["shop/services.py", "shop/views.py"], [["shop/services.py", 5, "UNQ001"]]),
               ({"shop/jobs/run.py": VIEWS}, ["shop/services.py", "shop/views.py"], [["shop/views.py", 5, "UNQ001"]])])

# The settings module says the requests run in a transaction: the guarded caller's handler is inside it.
SETTINGS = ('INSTALLED_APPS = ["shop"]\nDATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", '
            '"NAME": "shop", "ATOMIC_REQUESTS": True}}\n')
ATOMIC = ({"manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_conf.settings")\n',
           "site_conf/__init__.py": "", "site_conf/settings.py": SETTINGS, "shop/models.py": MODELS,
           "shop/services.py": WRITE.format(module=".models"), "shop/views.py": VIEWS},
          [({}, ["shop/services.py"], [["shop/services.py", 5, "UNQ003"]]),
           ({"site_conf/settings.py": SETTINGS.replace("True", "False")}, ["shop/services.py"], []),
           ({"site_conf/settings.py": SETTINGS}, ["shop/services.py"], [["shop/services.py", 5, "UNQ003"]])])

SCENARIOS = {"settings": ATOMIC, "related_base": RELATED_BASE, "chain": CHAIN, "form_base": FORM_BASE, "model_base": MODEL_BASE, "body": BODY,
             "field_class": FIELD_CLASS, "parenthesised": PARENTHESISED, "new_folder": NEW_FOLDER}


def _project(tmp_path, files):
    root = tmp_path / "project"
    for name, text in {"manage.py": "", "shop/__init__.py": "", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    past = time.time() - 60  # written a while ago: the stamps a first walk takes are settled ones
    for folder, _, names in os.walk(root):
        for name in names + [""]:
            os.utime(os.path.join(folder, name), (past, past))
    env = environment({"UNIQUEGUARD_CACHE_DIR": str(tmp_path / "cache")})
    env.pop("UNIQUEGUARD_NO_CACHE")  # the disk cache too must hand back nothing stale
    return root, env


def _steps(steps):
    return [(step, expected) for step, (_, _, expected) in enumerate(steps)]


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_what_a_verdict_read_edited_while_one_process_keeps_linting(scenario, tmp_path):
    files, steps = SCENARIOS[scenario]
    root, env = _project(tmp_path, files)
    result = subprocess.run([sys.executable, "-c", DRIVER, "engine"], cwd=str(root), capture_output=True,
                            text=True, env=env, timeout=600, input=json.dumps(steps))
    assert result.returncode == 0, result.stderr
    assert list(enumerate(json.loads(result.stdout))) == _steps(steps)


@pytest.mark.parametrize("scenario", sorted(set(SCENARIOS) - {"new_folder"}))
def test_what_a_verdict_read_edited_between_command_line_runs_sharing_the_cache(scenario, tmp_path):
    files, steps = SCENARIOS[scenario]
    root, env = _project(tmp_path, files)
    seen = []
    for edits, paths, _ in steps:
        for name, text in edits.items():
            (root / name).write_text(text)
        result = subprocess.run([sys.executable, "-m", "uniqueguard", "check", "--format", "json", *paths],
                                cwd=str(root), capture_output=True, text=True, env=env, timeout=300)
        assert "Traceback" not in result.stderr, result.stderr
        seen.append(sorted([row["path"], row["line"], row["code"]] for row in json.loads(result.stdout)))
    assert list(enumerate(seen)) == _steps(steps)
