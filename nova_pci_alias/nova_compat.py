# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Errors of this package as Nova's own exception classes, inside Nova.

Nova handles the errors it knows by class: its servers API turns
``nova.exception.PciInvalidAlias`` into a 400 answer carrying the message,
and any class it does not list into a 500 "Unexpected API Error".  So an
error that the oslo.config driver raises inside a Nova process must be an
instance of Nova's class.  :func:`as_nova_error` turns one of this
package's errors into an instance of a class derived from both Nova's class
and this package's, with this package's text, so that Nova's handlers and
this package's callers both catch it.

*Inside Nova* means that ``nova.exception`` is already imported in this
process: no Nova code can catch Nova's classes otherwise, and this module
never imports Nova itself.  Outside Nova the error is returned unchanged.

Nova's class is the one named like this package's class or, failing that,
like its nearest base class (``PciInvalidAliasEntries`` becomes a
``PciInvalidAlias``).  An error that Nova has no class for (a source that
cannot be read, a source that is not installed) derives from Nova's base
``NovaException``: Nova's services stop at start-up on it, and on a request
Nova answers 500 and logs the text, as for its own database outages.
"""

import functools
import sys

from nova_pci_alias import exception

#: The module whose presence in ``sys.modules`` means "inside Nova".
NOVA_EXCEPTION_MODULE = 'nova.exception'


def nova_exception_module():
    """Return Nova's ``nova.exception`` module if this process uses it."""
    return sys.modules.get(NOVA_EXCEPTION_MODULE)


def as_nova_error(error):
    """Return ``error`` as an instance of Nova's class, inside Nova.

    :param error: a :class:`nova_pci_alias.exception.NovaPciAliasException`.
    :returns: outside Nova, ``error`` itself; inside Nova, a new error of a
        class derived from Nova's class and from ``type(error)``, with the
        same message, ``kwargs`` and other attributes.
    """
    nova_exception = nova_exception_module()
    if nova_exception is None or isinstance(
            error, nova_exception.NovaException):
        return error
    cls = _nova_class(type(error), nova_exception)
    translated = cls(error.message)
    translated.__dict__.update(error.__dict__)
    translated.kwargs = dict(error.kwargs)
    translated.kwargs.setdefault('code', cls.code)
    return translated.with_traceback(error.__traceback__)


def nova_base_class(our_class, nova_exception):
    """Return Nova's class for one of this package's error classes.

    :param our_class: a subclass of
        :class:`nova_pci_alias.exception.NovaPciAliasException`.
    :param nova_exception: Nova's ``nova.exception`` module.
    """
    for klass in our_class.__mro__:
        if not issubclass(klass, exception.NovaPciAliasException):
            break
        candidate = getattr(nova_exception, klass.__name__, None)
        if (isinstance(candidate, type)
                and issubclass(candidate, nova_exception.NovaException)):
            return candidate
    return nova_exception.NovaException


@functools.cache
def _nova_class(our_class, nova_exception):
    """The class derived from Nova's class and ``our_class``, made once."""
    nova_class = nova_base_class(our_class, nova_exception)
    return type(our_class.__name__, (nova_class, our_class), {
        '__module__': __name__,
        '__qualname__': our_class.__qualname__,
        '__doc__': '%s, as Nova\'s %s.%s.' % (
            our_class.__name__, nova_class.__module__,
            nova_class.__name__),
        '__str__': our_class.__str__,
    })
