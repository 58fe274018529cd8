"""The harness itself: markers are read as the fixtures mean them, and front-end output is parsed."""
from .harness import clean_write_files, excluded_write_files, expected, run_flake8, single_file_targets

SOURCE = '''from shop.models import Coupon


def a(code):
    coupon = Coupon.objects.create(  # expect: UNQ001,UNQ002
        code=code,
    )
    Coupon.objects.create(code=code)  #expect:UNQ004
    return coupon
'''


def test_markers_several_codes_and_optional_rules(tmp_path):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "views.py").write_text(SOURCE)
    (tmp_path / "shop" / "tests.py").write_text("Coupon.objects.create(code='x')  # expect: UNQ001\n")
    assert expected(tmp_path) == {("shop/views.py", 5, "UNQ001"), ("shop/views.py", 5, "UNQ002"),
                                  ("shop/tests.py", 1, "UNQ001")}
    assert ("shop/views.py", 8, "UNQ004") in expected(tmp_path, optional=True)
    assert excluded_write_files(tmp_path) == ["shop/tests.py"]
    assert clean_write_files(tmp_path) == []
    assert single_file_targets(tmp_path) == ["shop/tests.py", "shop/views.py"]


def test_flake8_paths_are_relative_posix_and_columns_one_based(tmp_path):
    (tmp_path / "setup.py").write_text("")
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "models.py").write_text(
        "from django.db import models\n\n\nclass Coupon(models.Model):\n"
        "    code = models.CharField(max_length=9, unique=True)\n")
    (tmp_path / "shop" / "views.py").write_text(SOURCE)
    found = run_flake8(tmp_path, ["./shop/../shop/views.py"], columns=True)
    assert ("shop/views.py", 5, 14, "UNQ001") in found
