"""The command line in the reader's language: ``--lang``, ``EMULATION_LANG``, argparse's own words.

The language of the help and errors is read from the command line before argparse builds its
help (:func:`emulation.i18n.language_from`), so ``emulation evaluate --help --lang vi`` and
``EMULATION_LANG=vi emulation evaluate --help`` are Vietnamese. argparse looks its own words
("usage:", "options", "the following arguments are required: %s" …) up through the
module-level ``gettext`` it imported; :func:`argparse_speaks` points those two names at the
interface language's catalogue while the command line runs, and puts them back after.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from typing import Final

from emulation.i18n import N_, NP_, gettext, ngettext, results_default
from emulation.types import LANGUAGES

#: argparse's own words, as Python 3.10–3.13 write them, for the catalogues (argparse looks them
#: up itself; a word missing here is shown in English).
ARGPARSE_WORDS: Final = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("can't open '%(filename)s': %(error)s"),
)

#: argparse's words with a plural (looked up with ``ngettext``).
ARGPARSE_PLURALS: Final = (NP_("expected %s argument", "expected %s arguments"),)


def _argparse_ngettext(singular: str, plural: str, n: int) -> str:
    return ngettext(singular, plural, n)


@contextlib.contextmanager
def argparse_speaks() -> Iterator[None]:
    """argparse's own words in the interface language inside the ``with`` block."""
    names = {"_": gettext, "ngettext": _argparse_ngettext}
    saved = {name: argparse.__dict__[name] for name in names if name in argparse.__dict__}
    vars(argparse).update(names)
    try:
        yield
    finally:
        for name in names:
            if name in saved:
                vars(argparse)[name] = saved[name]
            else:  # an argparse that looks its words up otherwise: leave it as it was
                vars(argparse).pop(name, None)


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    """``--lang vi|en``: the language of the results, and of the help and errors; its default
    is ``EMULATION_LANG`` when that names a language, else Vietnamese."""
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=results_default(),
        help=gettext(
            "the language of the results, help and errors (default: EMULATION_LANG, else vi)"
        ),
    )
