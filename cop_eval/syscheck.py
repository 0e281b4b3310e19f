"""Check that the system libraries WeasyPrint needs are present, and say how to install them.

Run as ``python -m cop_eval.syscheck``; exits 1 with a clear message when something is missing.
"""

from __future__ import annotations

import ctypes.util
import sys

#: shared library name -> Debian package that provides it
REQUIRED_LIBRARIES: dict[str, str] = {
    "pango-1.0": "libpango-1.0-0",
    "pangoft2-1.0": "libpangoft2-1.0-0",
    "harfbuzz": "libharfbuzz0b",
    "fontconfig": "libfontconfig1",
}

#: command -> Debian package (optional tools: only the report preview uses them)
DEBIAN_PACKAGES = sorted(REQUIRED_LIBRARIES.values())


def missing_libraries() -> list[tuple[str, str]]:
    """Return ``(library, debian_package)`` for every required library that cannot be found."""
    return [
        (lib, pkg) for lib, pkg in REQUIRED_LIBRARIES.items() if not ctypes.util.find_library(lib)
    ]


def main() -> int:
    """Print a message naming the packages to install when a library is missing."""
    missing = missing_libraries()
    if not missing:
        return 0
    names = ", ".join(lib for lib, _ in missing)
    pkgs = " ".join(pkg for _, pkg in missing)
    print(
        f"cop-eval: the PDF renderer (WeasyPrint) needs system libraries that are missing: {names}.\n"
        f"On Debian/Ubuntu install them with:\n    sudo apt-get install {pkgs}\n"
        "(other systems: https://doc.courtbouillon.org/weasyprint/stable/first_steps.html)",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
