"""The municipality of Utrecht's NL Design System: its CSS is served from our own static files
(no CDN), the committed copy is the locked npm packages' file, the wheel carries it, and the
templates use the system's component classes rather than the hand-written ones it replaced."""

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "matching" / "web" / "static"
VENDOR = STATIC / "vendor" / "utrecht"
TYPEFACE = STATIC / "vendor" / "noto-sans"
NOTO_PACKAGE = "@fontsource-variable/noto-sans"
NOTO = f"node_modules/{NOTO_PACKAGE}"
TEMPLATES = ROOT / "matching" / "web" / "templates"
FRONTEND = ROOT / "frontend"
PACKAGES = ("component-library-css", "design-tokens")
STYLESHEETS = [f"/static/vendor/utrecht/{package}/index.css" for package in PACKAGES]


def _stylesheets(page: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)


@pytest.mark.parametrize("path", ["/", "/aanmelden", "/privacy"])
def test_every_page_links_the_design_system_from_our_own_static_files(client, path):
    page = client.get(path).get_data(as_text=True)
    links = _stylesheets(page)
    # the typeface, the tokens, the components, then our own additions
    assert links[:4] == ["/static/vendor/noto-sans/index.css", STYLESHEETS[1], STYLESHEETS[0],
                         "/static/matching.css"]
    assert all(link.startswith("/static/") for link in links), links
    assert not re.search(r'(src|href)="(https?:)?//', page.split("<body")[0]), "a CDN in <head>"
    assert re.search(r'<body class="[^"]*\butrecht-theme\b', page), "the tokens need utrecht-theme"


def test_a_signed_in_page_uses_the_systems_page_header_and_footer(signed_in):
    page = signed_in("matcher").get("/profiel").get_data(as_text=True)
    assert '<header class="utrecht-page-header' in page
    assert '<footer class="utrecht-page-footer' in page
    assert 'class="utrecht-nav-list__link"' in page


@pytest.mark.parametrize("url", STYLESHEETS)
def test_the_design_system_css_is_served(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    assert len(css) > 10_000
    assert ".utrecht-theme" in css or ".utrecht-button" in css


def test_the_tokens_define_what_the_components_use():
    tokens = (VENDOR / "design-tokens" / "index.css").read_text()
    components = (VENDOR / "component-library-css" / "index.css").read_text()
    assert ".utrecht-theme {" in tokens
    assert "--utrecht-button-primary-action-background-color:" in tokens
    for component in ("utrecht-button--primary-action", "utrecht-form-field-error-message",
                      "utrecht-checkbox", "utrecht-radio-button", "utrecht-table",
                      "utrecht-alert", "utrecht-status-badge", "utrecht-pagination",
                      "utrecht-page-header", "utrecht-page-footer", "utrecht-form-fieldset"):
        assert f".{component}" in components, component
    # no font or image fetched from elsewhere
    assert not re.search(r"url\((?![\"']?data:)", tokens + components)


def test_the_typeface_is_served_from_our_own_files(client):
    """Noto Sans, the theme's font: every file its CSS names is there and served."""
    css = (TYPEFACE / "index.css").read_text()
    files = re.findall(r"url\(\./(files/[^)]+\.woff2)\)", css)
    assert files and "files/noto-sans-latin-wght-normal.woff2" in files
    assert not re.search(r"url\((?!\./files/)", css)
    response = client.get("/static/vendor/noto-sans/files/noto-sans-latin-wght-normal.woff2")
    assert response.status_code == 200
    assert response.mimetype == "font/woff2"
    assert "SIL Open Font License" in (TYPEFACE / "LICENSE").read_text()
    tokens = (VENDOR / "design-tokens" / "index.css").read_text()
    assert '"Noto Sans Variable"' in tokens


@pytest.mark.parametrize("package", PACKAGES)
def test_each_copy_keeps_its_licence_beside_it(package):
    licence = (VENDOR / package / "LICENSE.md").read_text()
    assert "Gemeente Utrecht" in licence or "EUROPEAN UNION PUBLIC LICENCE" in licence


def test_the_packages_are_pinned_exactly_under_a_lock_file():
    manifest = json.loads((FRONTEND / "package.json").read_text())
    lock = json.loads((FRONTEND / "package-lock.json").read_text())
    for package in [f"@utrecht/{package}" for package in PACKAGES] + [NOTO_PACKAGE]:
        pinned = manifest["dependencies"][package]
        assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), f"{package} is not pinned: {pinned}"
        assert lock["packages"][f"node_modules/{package}"]["version"] == pinned


@pytest.mark.parametrize("package", PACKAGES)
def test_the_committed_copy_is_the_locked_packages_file(package):
    """`make design-system` copies; this says when the copy and the lock part ways."""
    installed = FRONTEND / "node_modules" / "@utrecht" / package
    if not installed.exists():
        pytest.fail("frontend/node_modules is not installed: run make browser-tools")
    version = json.loads((installed / "package.json").read_text())["version"]
    lock = json.loads((FRONTEND / "package-lock.json").read_text())
    assert version == lock["packages"][f"node_modules/@utrecht/{package}"]["version"]
    for name, source in (("index.css", installed / "dist" / "index.css"),
                         ("LICENSE.md", installed / "LICENSE.md")):
        assert (VENDOR / package / name).read_bytes() == source.read_bytes(), (
            f"{package}/{name} differs from the locked package: run `make design-system`")


def test_the_committed_typeface_is_the_locked_packages_files():
    installed = FRONTEND / NOTO
    if not installed.exists():
        pytest.fail("frontend/node_modules is not installed: run make browser-tools")
    copied = sorted(p.relative_to(TYPEFACE).as_posix() for p in TYPEFACE.rglob("*") if p.is_file())
    named = re.findall(r"url\(\./(files/[^)]+)\)", (installed / "index.css").read_text())
    assert copied == sorted(["LICENSE", "index.css", *named])
    for name in copied:
        assert (TYPEFACE / name).read_bytes() == (installed / name).read_bytes(), (
            f"noto-sans/{name} differs from the locked package: run `make design-system`")


def test_the_wheel_carries_the_design_system_css(tmp_path):
    """`pip install .` gives a styled application: the wheel holds the copies and licences."""
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT, check=True, capture_output=True,
    )
    wheel = next(tmp_path.glob("matching-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for package in PACKAGES:
            for name in ("index.css", "LICENSE.md"):
                inside = f"matching/web/static/vendor/utrecht/{package}/{name}"
                assert inside in names, f"the wheel lacks {inside}"
                assert archive.read(inside) == (VENDOR / package / name).read_bytes()
        assert "matching/web/static/matching.css" in names
        latin = "matching/web/static/vendor/noto-sans/files/noto-sans-latin-wght-normal.woff2"
        assert latin in names


# Classes of the hand-written stylesheet that the design system replaced: a template using
# one again would fall back to the browser's default look.
REPLACED = re.compile(
    r'class="(?:[^"]*\s)?(button|button--primary|button--secondary|form-input|form-label|'
    r'form-hint|form-error|form-field|alert|alert--\w+)(?:\s[^"]*)?"'
)


def test_no_template_uses_a_class_the_design_system_replaced():
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(template.read_text().splitlines(), 1):
            for match in REPLACED.finditer(line):
                found.append(f"{template.relative_to(TEMPLATES)}:{number}: {match.group(1)}")
    assert not found, "use the utrecht-* component classes instead:\n" + "\n".join(found)


def test_the_shared_field_macro_marks_label_control_and_button_as_the_system_does(signed_in):
    """(A refused field's utrecht-form-field-error-message: tests/web/test_admin.py.)"""
    browser = signed_in("admin")
    page = browser.get("/beheer/gebruikers/nieuw").get_data(as_text=True)
    assert 'class="utrecht-form-label"' in page
    assert re.search(r'class="utrecht-(textbox|select)[^"]*"', page)
    assert 'class="utrecht-button utrecht-button--primary-action"' in page
