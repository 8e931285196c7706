"""The guest's sysconfig: there is no installation to describe (no paths, no build variables). zoneinfo asks it for
TZPATH at import; None means no system time-zone directories. Embedded in place of CPython's (python/lib overrides)."""


def get_config_var(name):
    return None


def get_config_vars(*names):
    return [None for _ in names] if names else {}


def get_platform():
    return "codeact-guest"


def get_python_version():
    return "3.13"
