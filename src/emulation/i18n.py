"""The languages the engine speaks: gettext catalogues managed with Babel.

Every sentence the engine or its command line says to a person is written in English in the
source, marked for extraction, and looked up in the catalogue of the reader's language,
``emulation/locale/{vi,en}/LC_MESSAGES/emulation.mo`` (compiled from the ``.po`` beside it; see
``docs/how-to/languages-and-catalogues.md``). This module sits at the bottom of the house: it
imports nothing of the engine but :mod:`emulation.types`.

- :func:`translator` gives the catalogue of a language, with ``gettext``, ``ngettext``,
  ``pgettext`` and ``npgettext`` (the Vietnamese catalogue has one plural form, the English two).
- :func:`gettext`, :func:`ngettext`, :func:`pgettext` speak the *interface* language: that of the
  command line's help and errors, chosen by :func:`interface` (``--lang``, then
  ``EMULATION_LANG``, then English).
- :func:`N_` and :func:`C_` only mark a text (and its context) for extraction, for tables built
  at import time; :func:`L_` gives a text's :class:`~emulation.types.Label` in both languages; :class:`Message` is a text whose language is chosen where it is shown.
- :func:`format_decimal` and :func:`format_integer` write numbers as each language does (Babel's
  CLDR data: ``12.345,5`` in Vietnamese, ``12,345.5`` in English).
"""

from __future__ import annotations

import contextlib
import errno
import gettext as _gettext
import os
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Final

from babel.numbers import format_decimal as _babel_format_decimal

from emulation.types import LANGUAGES, Label, Language

#: The gettext domain: the catalogues are ``locale/<lang>/LC_MESSAGES/emulation.mo``.
DOMAIN: Final = "emulation"
#: Where the compiled catalogues are, inside the installed package.
LOCALE_DIR: Final = Path(__file__).parent / "locale"
#: The environment variable that chooses the language when ``--lang`` is not given.
ENVIRONMENT_VARIABLE: Final = "EMULATION_LANG"
#: The language of the command line's help and errors when neither ``--lang`` nor
#: ``EMULATION_LANG`` chooses one: English, as before catalogues existed (scripts and logs
#: match on it); results keep Vietnamese as their own default.
DEFAULT_INTERFACE: Final[Language] = "en"

_INTERFACE: ContextVar[Language] = ContextVar("emulation_interface_language", default="en")


@cache
def translator(lang: Language) -> _gettext.GNUTranslations:
    """The catalogue of ``lang`` (``"vi"`` or ``"en"``); raises :class:`OSError` if the
    installed package lacks it (a broken install, not a missing translation)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    found = _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang])
    assert isinstance(found, _gettext.GNUTranslations)
    return found


def N_(message: str) -> str:
    """``message`` unchanged, marked for extraction (looked up later with ``gettext``)."""
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """``(singular, plural)`` unchanged, marked for extraction as one entry with plural forms
    (looked up later with ``ngettext``)."""
    return singular, plural


def C_(context: str, message: str) -> str:
    """``message`` unchanged, marked for extraction with its ``msgctxt`` (looked up later with
    ``pgettext(context, message)``)."""
    return message


def L_(context: str, message: str) -> Label:
    """The :class:`~emulation.types.Label` of ``message`` (marked for extraction with its
    ``msgctxt``) in Vietnamese and English, as the catalogues give them."""
    return Label(
        vi=translator("vi").pgettext(context, message),
        en=translator("en").pgettext(context, message),
    )


# -- the interface language: help and errors of the command line ----------------------------


def interface_language() -> Language:
    """The language the command line speaks now (see :func:`interface`)."""
    return _INTERFACE.get()


@contextlib.contextmanager
def interface(lang: Language) -> Iterator[None]:
    """Speak ``lang`` in :func:`gettext` and its siblings inside the ``with`` block."""
    token = _INTERFACE.set(lang)
    try:
        yield
    finally:
        _INTERFACE.reset(token)


def gettext(message: str) -> str:
    """``message`` in the interface language."""
    return translator(_INTERFACE.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n`` in the interface language."""
    return translator(_INTERFACE.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` of ``context`` in the interface language."""
    return translator(_INTERFACE.get()).pgettext(context, message)


def language_from(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> Language:
    """The interface language a command line asks for, read before argparse runs (its help
    is built in that language): the last ``--lang X`` / ``--lang=X`` of ``argv``, else
    ``EMULATION_LANG``, else :data:`DEFAULT_INTERFACE`. Unknown values are left for argparse
    to refuse; they choose nothing here."""
    chosen: str | None = None
    for index, item in enumerate(argv):
        if item == "--":
            break
        if item == "--lang" and index + 1 < len(argv):
            chosen = argv[index + 1]
        elif item.startswith("--lang="):
            chosen = item.partition("=")[2]
    if chosen not in LANGUAGES:
        chosen = (os.environ if environ is None else environ).get(ENVIRONMENT_VARIABLE)
    for lang in LANGUAGES:
        if chosen == lang:
            return lang
    return DEFAULT_INTERFACE


def results_default(environ: Mapping[str, str] | None = None) -> Language:
    """The default of a command's ``--lang`` (the language of its results): ``EMULATION_LANG``
    when it names a language, else Vietnamese."""
    chosen = (os.environ if environ is None else environ).get(ENVIRONMENT_VARIABLE)
    for lang in LANGUAGES:
        if chosen == lang:
            return lang
    return "vi"


# -- messages whose language is chosen where they are shown ---------------------------------


class Message(str):
    """A text that reads as its English form (it *is* that string) and can be written again in
    another language with :meth:`translated`: ``Message("cannot read: {reason}", reason=…)``.

    The library raises and reports English; the command line shows the same message in the
    language asked for. ``params`` that are themselves :class:`Message` are translated too.
    """

    msgid: str
    params: dict[str, object]

    def __new__(cls, msgid: str, /, **params: object) -> Message:
        self = super().__new__(cls, msgid.format(**params) if params else msgid)
        self.msgid = msgid
        self.params = params
        return self

    def translated(self, lang: Language) -> str:
        """The message in ``lang``."""
        template = translator(lang).gettext(self.msgid)
        if not self.params:
            return template
        values = {key: localise(value, lang) for key, value in self.params.items()}
        return template.format(**values)


class Plural(Message):
    """A :class:`Message` with a plural: ``Plural("{n} decision", "{n} decisions", n)`` reads
    as the English form for ``n`` and is written again with the plural rule of each language
    (``{n}`` is the count; other ``params`` as for :class:`Message`)."""

    plural: str
    n: int

    def __new__(cls, singular: str, plural: str, n: int, /, **params: object) -> Plural:
        english = singular if n == 1 else plural
        self = str.__new__(cls, english.format(n=n, **params))
        self.msgid, self.plural, self.n, self.params = singular, plural, n, params
        return self

    def translated(self, lang: Language) -> str:
        """The message in ``lang``, in the form its plural rule gives for ``n``."""
        template = translator(lang).ngettext(self.msgid, self.plural, self.n)
        values = {key: localise(value, lang) for key, value in self.params.items()}
        return template.format(n=self.n, **values)


def said(error: BaseException) -> str:
    """What ``error`` says: the :class:`Message` it was raised with, kept translatable, else
    its :func:`str`."""
    text = error.args[0] if len(error.args) == 1 else None
    return text if isinstance(text, Message) else str(error)


def localise(text: object, lang: Language) -> str:
    """``text`` in ``lang`` when it is a :class:`Message`, else as :func:`str` writes it."""
    return text.translated(lang) if isinstance(text, Message) else str(text)


# -- numbers ------------------------------------------------------------------------------------

#: The Babel (CLDR) locale of each language.
LOCALES: Final[dict[Language, str]] = {"vi": "vi", "en": "en"}


def format_decimal(number: Decimal | int | str, lang: Language, *, group: bool = True) -> str:
    """``number`` as ``lang`` writes it, with every digit it was written with (``1.500000``
    stays six places; ``12345.5`` is ``12.345,5`` in Vietnamese, ``12,345.5`` in English);
    ``group=False`` leaves out the thousands separator."""
    value = Decimal(number)
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return _babel_format_decimal(value, pattern, locale=LOCALES[lang], group_separator=group)


def format_integer(number: int | str, lang: Language) -> str:
    """A whole number with the thousands separator of ``lang`` (``1.490.000`` / ``1,490,000``)."""
    return format_decimal(int(number), lang)


def words(lang: Language, context: str, table: Mapping[str, str]) -> dict[str, str]:
    """Each English text of ``table`` (marked ``C_(context, …)``) in ``lang``, by key."""
    found = translator(lang)
    return {key: found.pgettext(context, text) for key, text in table.items()}


#: The system's words for the usual reasons a file cannot be read or written (errno -> text);
#: :func:`os_reason` gives them in the reader's language, others as the system says them.
_OS_REASONS: Final[dict[int, str]] = {
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.EISDIR: N_("Is a directory"),
    errno.ENOTDIR: N_("Not a directory"),
    errno.EEXIST: N_("File exists"),
    errno.ENOSPC: N_("No space left on device"),
    errno.EROFS: N_("Read-only file system"),
}


def os_reason(error: OSError) -> str:
    """Why ``error`` happened, as the system says it (``strerror``), as a :class:`Message` when
    the catalogues know the reason (so the command line can say it in Vietnamese)."""
    known = _OS_REASONS.get(error.errno or 0)
    if known is not None and error.strerror == known:
        return Message(known)
    return error.strerror or str(error)
